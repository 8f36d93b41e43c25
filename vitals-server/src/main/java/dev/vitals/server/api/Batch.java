package dev.vitals.server.api;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** The {@code records} array of the batch endpoints (features, evaluations, predictions, actuals), checked alike. */
public final class Batch {
    /** Most records per batch; more is a 413. */
    public static final int MAX_RECORDS = 10_000;

    private Batch() {
    }

    /**
     * The body's {@code records}: a non-empty array of at most {@link #MAX_RECORDS}; the items are the caller's to check.
     *
     * @param expected what the 400 says the field must be, e.g. {@code a non-empty array of objects}
     */
    public static JsonArray records(JsonObject body, String expected) {
        if (!(body.getValue("records") instanceof JsonArray a) || a.isEmpty()) {
            throw new ApiException(400, "invalid_records", "'records' must be " + expected);
        }
        if (a.size() > MAX_RECORDS) {
            throw new ApiException(413, "batch_too_large", "a batch holds at most " + MAX_RECORDS + " records, got " + a.size());
        }
        return a;
    }
}
