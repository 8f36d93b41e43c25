package dev.vitals.business;

import dev.vitals.internal.Args;

/**
 * One model request as business metrics see it: who made it (user, session), what served it (model,
 * experiment variant), and the id later business events refer to. The ids are hashed with the salt
 * as soon as {@link BusinessMetrics#recordRequest} reads them; this record is the caller's and is not
 * kept.
 *
 * <pre>{@code
 * metrics.recordRequest(BusinessRequest.builder("req-42")
 *     .user("alice@example.com").session("sess-7")
 *     .model("gpt-4o-mini").variant("prompt-b")
 *     .build());
 * }</pre>
 *
 * @param requestId the id business events refer to (never empty)
 * @param userId the end user, or {@code null} when anonymous
 * @param sessionId the client's session, or {@code null}: the user's activity then makes the session
 * @param model the model that served the request, or {@code null}
 * @param variant the experiment variant, or {@code null} (reported as {@code none})
 * @param startNanos when the request started on the metrics' clock ({@link System#nanoTime()} by default),
 *                   or {@link #UNKNOWN_START}: time to value is measured from it, so a request recorded
 *                   when it ends still counts from its start
 */
public record BusinessRequest(String requestId, String userId, String sessionId, String model, String variant,
                              long startNanos) {
    /** The start is not known: the request counts from when it is recorded. */
    public static final long UNKNOWN_START = Long.MIN_VALUE;

    public BusinessRequest {
        Args.notEmpty(requestId, "requestId");
    }

    /** A request that starts when it is recorded. */
    public BusinessRequest(String requestId, String userId, String sessionId, String model, String variant) {
        this(requestId, userId, sessionId, model, variant, UNKNOWN_START);
    }

    /** Starts a request record for {@code requestId}. */
    public static Builder builder(String requestId) {
        return new Builder(requestId);
    }

    /** Builds a {@link BusinessRequest}. Not thread-safe. */
    public static final class Builder {
        private final String requestId;
        private String userId;
        private String sessionId;
        private String model;
        private String variant;
        private long startNanos = UNKNOWN_START;

        private Builder(String requestId) {
            this.requestId = requestId;
        }

        /** The end user's id; empty counts as none. */
        public Builder user(String userId) {
            this.userId = userId;
            return this;
        }

        /** The client's session id; empty counts as none. */
        public Builder session(String sessionId) {
            this.sessionId = sessionId;
            return this;
        }

        /** The model that served the request. */
        public Builder model(String model) {
            this.model = model;
            return this;
        }

        /** The experiment variant (A/B arm) the request was in. */
        public Builder variant(String variant) {
            this.variant = variant;
            return this;
        }

        /** When the request started, on the metrics' clock; default: when it is recorded. */
        public Builder startedAt(long nanos) {
            this.startNanos = nanos;
            return this;
        }

        public BusinessRequest build() {
            return new BusinessRequest(requestId, userId, sessionId, model, variant, startNanos);
        }
    }
}
