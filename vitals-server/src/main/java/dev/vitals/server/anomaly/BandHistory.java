package dev.vitals.server.anomaly;

import dev.vitals.server.state.IntervalSlots;
import java.util.HashMap;
import java.util.Map;

/**
 * The band each interval was judged against, per model: the dashboard draws the baseline as it was at
 * each interval rather than today's band painted over the whole range. A ring of {@code capacity}
 * intervals per model (the sampler's 24 h), 16 bytes a slot, at most {@code maxModels} models; nothing
 * before the first judged interval, so the band never reaches back before the server knew it.
 */
public final class BandHistory {
    private final long stepMillis;
    private final int capacity;
    private final int maxModels;
    private final Map<String, Ring> rings = new HashMap<>();

    public BandHistory(long stepMillis, int capacity, int maxModels) {
        if (stepMillis <= 0 || capacity <= 0 || maxModels <= 0) {
            throw new IllegalArgumentException("stepMillis, capacity and maxModels must be positive");
        }
        this.stepMillis = stepMillis;
        this.capacity = capacity;
        this.maxModels = maxModels;
    }

    /** Records the band {low, high} of the interval starting at {@code intervalStartMillis}; beyond maxModels models it is dropped. */
    public synchronized void record(String model, long intervalStartMillis, double low, double high) {
        Ring r = rings.get(model);
        if (r == null) {
            if (rings.size() >= maxModels) {
                return;
            }
            r = new Ring(capacity);
            rings.put(model, r);
        }
        long iv = Math.floorDiv(intervalStartMillis, stepMillis);
        int slot = r.slots().claim(iv);
        r.low()[slot] = (float) low;
        r.high()[slot] = (float) high;
    }

    /**
     * The band of each point: for point {@code p} covering {@code [timestamps[p], timestamps[p] + bucketMillis)},
     * the band of the last judged interval in it; NaN where none was judged. Null when the model has no history.
     */
    public synchronized double[][] query(String model, long[] timestamps, long bucketMillis) {
        Ring r = rings.get(model);
        if (r == null) {
            return null;
        }
        double[] low = new double[timestamps.length];
        double[] high = new double[timestamps.length];
        boolean any = false;
        for (int p = 0; p < timestamps.length; p++) {
            low[p] = Double.NaN;
            high[p] = Double.NaN;
            long first = Math.floorDiv(timestamps[p], stepMillis);
            long last = Math.floorDiv(timestamps[p] + Math.max(bucketMillis, stepMillis) - 1, stepMillis);
            for (long iv = last; iv >= first; iv--) {
                int slot = r.slots().find(iv);
                if (slot >= 0) {
                    low[p] = r.low()[slot];
                    high[p] = r.high()[slot];
                    any = true;
                    break;
                }
            }
        }
        return any ? new double[][] {low, high} : null;
    }

    private record Ring(IntervalSlots slots, float[] low, float[] high) {
        Ring(int capacity) {
            this(new IntervalSlots(capacity), new float[capacity], new float[capacity]);
        }
    }
}
