package dev.vitals.server.store;

/**
 * One model's label coverage, read from what is stored: its predictions since a time and how many of them
 * have an actual joined, with the delay from prediction to actual.
 *
 * @param model the model
 * @param predictions predictions stored with a time since the window's start
 * @param withActual those with an actual joined
 * @param meanDelayMillis mean of (actual's arrival - prediction's time) over those, NaN when none
 * @param maxDelayMillis the longest such delay, NaN when none
 */
public record LabelCoverageRow(String model, long predictions, long withActual, double meanDelayMillis, double maxDelayMillis) {
}
