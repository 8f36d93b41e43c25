package dev.vitals.server.store;

/**
 * What the state store keeps of one call for delayed evaluation: no prompt or response text.
 *
 * @param requestId the call's request id
 * @param model the model
 * @param timeMillis when the call ended
 * @param predictedLabel the label a classifier call predicted, or {@code null}
 * @param predictedValue the value a regressor call predicted, or {@code NaN}
 */
public record CallRow(String requestId, String model, long timeMillis, String predictedLabel, double predictedValue) {
}
