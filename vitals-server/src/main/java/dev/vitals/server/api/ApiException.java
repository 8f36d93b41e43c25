package dev.vitals.server.api;

/**
 * A caller's mistake found by a service (quality, drift): the HTTP status, a stable error code and an
 * exact message. Handlers turn it into the one JSON error shape; nothing has been applied when it is thrown.
 */
public final class ApiException extends RuntimeException {
    private final int status;
    private final String code;

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
}
