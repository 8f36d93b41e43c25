package dev.vitals.server.http;

/** A client error found while validating a request; becomes a 4xx JSON error. */
final class BadRequest extends RuntimeException {
    final int status;
    final String code;

    BadRequest(String code, String message) {
        this(400, code, message);
    }

    BadRequest(int status, String code, String message) {
        super(message, null, false, false);
        this.status = status;
        this.code = code;
    }

    int status() {
        return status;
    }

    String code() {
        return code;
    }
}
