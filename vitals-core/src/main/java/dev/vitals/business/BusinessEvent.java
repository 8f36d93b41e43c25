package dev.vitals.business;

import dev.vitals.internal.Args;

/**
 * A business outcome that followed a model request: {@code new BusinessEvent("req-42", "purchased")}.
 * The kind must be one of {@link BusinessMetrics}' allowed kinds and the request must have been
 * recorded within the request TTL; {@link BusinessMetrics#recordEvents} checks both.
 *
 * @param requestId the id the request was recorded with
 * @param kind the event kind, e.g. {@code clicked}, {@code purchased}, {@code subscribed}, {@code task_completed}
 */
public record BusinessEvent(String requestId, String kind) {

    public BusinessEvent {
        Args.notEmpty(requestId, "requestId");
        Args.notEmpty(kind, "kind");
    }
}
