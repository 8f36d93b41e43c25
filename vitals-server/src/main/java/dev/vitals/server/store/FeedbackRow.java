package dev.vitals.server.store;

/**
 * One feedback, stored for idempotency and audit.
 *
 * @param feedbackId the client's id; a second feedback with the same id is not applied again
 * @param requestId the call it is about
 * @param model the call's model
 * @param timeMillis when it arrived
 * @param payload the feedback's JSON as applied
 */
public record FeedbackRow(String feedbackId, String requestId, String model, long timeMillis, String payload) {
}
