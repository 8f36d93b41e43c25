package dev.vitals.llm;

/**
 * The one normalized reason a model call failed. Every failure carries exactly one, so that
 * failures by type always add up to {@code llm_requests_total{status="failure"}}.
 *
 * <p>The {@link #label()} is what appears in the {@code error_type} / {@code error.type} label.
 */
public enum ErrorType {
    /** The backend did not answer within its connect or read timeout. */
    TIMEOUT("timeout"),
    /** The connection to the backend failed or was reset. */
    CONNECTION("connection"),
    /** The backend answered 429. */
    RATE_LIMITED("rate_limited"),
    /** The backend answered another 4xx. */
    UPSTREAM_4XX("upstream_4xx"),
    /** The backend answered 5xx. */
    UPSTREAM_5XX("upstream_5xx"),
    /** The client went away before the response was complete. */
    CLIENT_DISCONNECT("client_disconnect"),
    /** The request was rejected before any backend was called. */
    INVALID_REQUEST("invalid_request"),
    /**
     * The model itself reported an error (the simulated model's "error" keyword, say), or an upstream's
     * {@code error} object (in a 200 body or a stream event) whose type names no other kind.
     */
    MODEL_ERROR("model_error"),
    /**
     * The backend's answer could not be understood: a 200 body that is not a chat completion, or a
     * stream event that is not JSON or not a chunk ({@code choices} not an array, ...).
     */
    BAD_RESPONSE("bad_response"),
    /** Anything else; the OpenTelemetry conventions' fallback value. */
    OTHER("_OTHER");

    private final String label;

    ErrorType(String label) {
        this.label = label;
    }

    /** The label value, e.g. {@code "rate_limited"}. */
    public String label() {
        return label;
    }

    /**
     * The type of an HTTP status a model backend answered, as the integrations read it from an SDK's
     * exception: 408 {@link #TIMEOUT}, 429 {@link #RATE_LIMITED}, another 4xx {@link #UPSTREAM_4XX}, 5xx
     * {@link #UPSTREAM_5XX}; null for a status that is no HTTP error (below 400, 600 and above, or -1).
     */
    public static ErrorType ofHttpStatus(int status) {
        if (status == 408) {
            return TIMEOUT;
        }
        if (status == 429) {
            return RATE_LIMITED;
        }
        if (status >= 500 && status < 600) {
            return UPSTREAM_5XX;
        }
        if (status >= 400 && status < 500) {
            return UPSTREAM_4XX;
        }
        return null;
    }
}
