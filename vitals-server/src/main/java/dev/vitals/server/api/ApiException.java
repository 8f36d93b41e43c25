package dev.vitals.server.api;

/**
 * The one caller-error type: a request that is malformed, names an unknown id, or conflicts with state.
 * It carries the HTTP status, a stable error code and an exact message; the router's one failure handler
 * turns it into the JSON error body. Nothing has been applied when it is thrown.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

    /** A 400. */
    public ApiException(String code, String message) {
        this(400, code, message);
    }

    public ApiException(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    public int status() {
        return status;
    }

    public String code() {
        return code;
    }

    /** A caller's text quoted in a message: at most 80 characters, then {@code ...}. */
    public static String cut(String s) {
        return s.length() > 80 ? s.substring(0, 80) + "..." : s;
    }
}
