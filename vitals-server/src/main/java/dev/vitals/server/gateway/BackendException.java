package dev.vitals.server.gateway;

import dev.vitals.llm.ErrorType;
import io.vertx.core.buffer.Buffer;
import java.io.IOException;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;

/**
 * A backend failed. {@link #retryable()} failures (timeout, connection, 429, 5xx) move on to the next
 * backend when nothing has reached the client yet. The message never contains prompt text or keys.
 */
public final class BackendException extends RuntimeException {
    private final ErrorType type;
    private final int upstreamStatus;
    private final transient Buffer upstreamBody;

    public BackendException(ErrorType type, String message) {
        this(type, 0, null, message);
    }

    public BackendException(ErrorType type, int upstreamStatus, Buffer upstreamBody, String message) {
        super(message, null, false, false);
        this.type = type;
        this.upstreamStatus = upstreamStatus;
        this.upstreamBody = upstreamBody;
    }

    public ErrorType type() {
        return type;
    }

    /** The upstream's HTTP status, or 0 when there was none. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    /** The upstream's error body for 4xx answers passed to the client, or {@code null}. */
    public Buffer upstreamBody() {
        return upstreamBody;
    }

    /** Whether another backend may be tried. */
    public boolean retryable() {
        return switch (type) {
            case TIMEOUT, CONNECTION, RATE_LIMITED, UPSTREAM_5XX -> true;
            default -> false;
        };
    }

    /** The HTTP status the client gets for this failure. */
    public int clientStatus() {
        return switch (type) {
            case RATE_LIMITED -> 429;
            case TIMEOUT -> 504;
            case MODEL_ERROR -> 500;
            case INVALID_REQUEST, UPSTREAM_4XX -> upstreamStatus >= 400 && upstreamStatus < 500 ? upstreamStatus : 400;
            default -> 502;
        };
    }

    /** Normalizes any failure: timeouts, connection errors, or {@link ErrorType#OTHER}. */
    public static BackendException of(Throwable t) {
        if (t instanceof BackendException b) {
            return b;
        }
        String cls = t.getClass().getName();
        if (t instanceof TimeoutException || cls.contains("Timeout")) {
            return new BackendException(ErrorType.TIMEOUT, "upstream timed out");
        }
        if (t instanceof ConnectException || t instanceof IOException || cls.contains("Closed") || cls.contains("Connect")) {
            return new BackendException(ErrorType.CONNECTION, "upstream connection failed: " + t.getClass().getSimpleName());
        }
        return new BackendException(ErrorType.OTHER, "upstream call failed: " + t.getClass().getSimpleName());
    }

}
