package dev.vitals.series;

import java.util.Map;

/**
 * Immutable samples of one model (or of all models together) over a range.
 *
 * @param model the model, or {@code "*"} for all together
 * @param stepMillis the step between points
 * @param timestamps point times, epoch millis (start of each step)
 * @param values per signal, one value per timestamp (NaN = no data)
 * @param volume requests per point
 */
public record SeriesSnapshot(String model, long stepMillis, long[] timestamps, Map<Signal, double[]> values, long[] volume) {
}
