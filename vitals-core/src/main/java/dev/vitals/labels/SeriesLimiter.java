package dev.vitals.labels;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.Arrays;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Bounds the series of one metric: the first {@code maxSeries} distinct label tuples (after
 * {@link LabelPolicy#clean}) are admitted, every later new tuple folds into a tuple of
 * {@link LabelValues#OVERFLOW} and counts once in {@code vitals_label_overflow_total{metric}}.
 * Create one with {@link LabelPolicy#limiter(String)}.
 *
 * <p>Memory is bounded by the cap: the admitted set never holds more than {@code maxSeries} tuples,
 * even while threads race at the cap, and refused values are not stored. A known tuple costs one
 * lock-free hash lookup (plus {@code clean} when the raw values are not already clean); only the
 * first sight of a new tuple below the cap locks one hash bin while it claims a slot, and once the
 * cap is reached new tuples are refused without any lock. Thread-safe. One benign race: while one
 * thread claims the very last slot for a tuple, another thread bringing the same tuple at that
 * instant may get the overflow tuple once.
 *
 * <p>Callers that record per request should still cache what they resolved per raw value, as
 * {@code LlmMetrics} does per model: {@code admit} is cheap but returns a fresh array.
 */
public final class SeriesLimiter {
    private final int maxSeries;
    private final LabelPolicy policy;
    private final CounterDataPoint overflow;
    // Keys are cleaned tuples (a String for one label, a TupleKey otherwise); values the tuple to return.
    private final ConcurrentHashMap<Object, String[]> admitted = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();

    SeriesLimiter(int maxSeries, LabelPolicy policy, CounterDataPoint overflow) {
        this.maxSeries = maxSeries;
        this.policy = policy;
        this.overflow = overflow;
    }

    /**
     * The label values to record with: the cleaned {@code values} when their tuple is admitted (now or
     * before), otherwise as many {@code "__overflow__"} as there are values. Returns a fresh array the
     * caller may keep or change. Never throws; a {@code null} array counts as no values.
     */
    public String[] admit(String... values) {
        String[] raw = values == null ? new String[0] : values;
        // Fast path: admitted keys are fixed points of clean(), so a raw tuple equal to one is clean.
        Object rawKey = TupleKey.of(raw);
        if (rawKey != null) {
            String[] hit = admitted.get(rawKey);
            if (hit != null) {
                return hit.clone();
            }
        }
        String[] cleaned = new String[raw.length];
        boolean unchanged = rawKey != null;
        for (int i = 0; i < raw.length; i++) {
            cleaned[i] = policy.clean(raw[i]);
            unchanged &= cleaned[i] == raw[i];
        }
        Object key = unchanged ? rawKey : TupleKey.of(cleaned);
        String[] hit = unchanged ? null : admitted.get(key);
        if (hit == null) {
            // Full: refuse without touching a lock, so a flood of new values stays lock-free.
            hit = size.get() >= maxSeries ? null : admitted.computeIfAbsent(key, k -> reserve() ? cleaned : null);
            if (hit == null) {
                overflow.inc();
                String[] o = new String[raw.length];
                Arrays.fill(o, LabelValues.OVERFLOW);
                return o;
            }
        }
        return hit.clone();
    }

    // Claims a slot; runs inside computeIfAbsent, at most once per inserted key, so size == admitted.size().
    private boolean reserve() {
        return tryAdd(size, 1, maxSeries);
    }

    /** Adds {@code n} to {@code count} unless that would take it past {@code max}; lock-free. */
    static boolean tryAdd(AtomicInteger count, int n, int max) {
        while (true) {
            int c = count.get();
            if (c + n > max) {
                return false;
            }
            if (count.compareAndSet(c, c + n)) {
                return true;
            }
        }
    }

    /** True when {@code labels} is what {@link #admit} returns for a refused tuple. */
    public static boolean isOverflow(String[] labels) {
        if (labels == null || labels.length == 0) {
            return false;
        }
        for (String v : labels) {
            if (!LabelValues.OVERFLOW.equals(v)) {
                return false;
            }
        }
        return true;
    }

    /** Admitted tuples so far; never more than the cap. */
    public int size() {
        return size.get();
    }
}
