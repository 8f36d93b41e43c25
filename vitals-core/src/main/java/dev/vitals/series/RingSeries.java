package dev.vitals.series;

import java.util.Arrays;

/**
 * A fixed-size ring of float samples at a fixed step: slot {@code i} holds the value of the
 * interval starting at {@code i × step}, modulo the capacity. Memory is 4 bytes a slot (8,640 slots:
 * 24 h at 10 s = 34 KiB). Missing intervals read as NaN. Not thread-safe: the owner serializes access.
 */
final class RingSeries {
    private final float[] values;
    private final long[] epochs;

    RingSeries(int capacity) {
        values = new float[capacity];
        epochs = new long[capacity];
        Arrays.fill(epochs, -1);
    }

    void put(long interval, double value) {
        int i = (int) Math.floorMod(interval, (long) values.length);
        values[i] = (float) value;
        epochs[i] = interval;
    }

    /** The value of {@code interval}, or NaN when it was not recorded or has been overwritten. */
    double get(long interval) {
        int i = (int) Math.floorMod(interval, (long) values.length);
        return epochs[i] == interval ? values[i] : Double.NaN;
    }

    int capacity() {
        return values.length;
    }
}
