package dev.vitals.series;

import dev.vitals.llm.LlmCall;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one interval of one model collected: lock-free adders and log-spaced histograms. Calls racing
 * with the interval's close may land in the closing interval or be lost to it, never counted twice.
 */
final class IntervalAccumulator {
    /** 64 log-spaced buckets from 1 ms: bucket i covers [1 ms × 1.25^i, 1 ms × 1.25^(i+1)). */
    static final int BUCKETS = 64;
    static final double BASE = 0.001;
    static final double GROWTH = 1.25;
    private static final double LOG_GROWTH = Math.log(GROWTH);

    final LongAdder requests = new LongAdder();
    final LongAdder errors = new LongAdder();
    final LongAdder inputTokens = new LongAdder();
    final LongAdder outputTokens = new LongAdder();
    final DoubleAdder cost = new DoubleAdder();
    final LongAdder priced = new LongAdder();
    final AtomicLongArray latency = new AtomicLongArray(BUCKETS);
    final AtomicLongArray ttft = new AtomicLongArray(BUCKETS);

    void add(LlmCall c) {
        requests.increment();
        if (!c.success()) {
            errors.increment();
        }
        inputTokens.add(c.inputTokens());
        outputTokens.add(c.outputTokens());
        if (c.priced()) {
            cost.add(c.costUsd());
            priced.increment();
        }
        latency.incrementAndGet(bucket(c.durationSeconds()));
        if (!Double.isNaN(c.timeToFirstTokenSeconds())) {
            ttft.incrementAndGet(bucket(c.timeToFirstTokenSeconds()));
        }
    }

    static int bucket(double seconds) {
        if (!(seconds > BASE)) {
            return 0;
        }
        return (int) Math.min(BUCKETS - 1, Math.floor(Math.log(seconds / BASE) / LOG_GROWTH));
    }

    /** The geometric middle of the bucket that holds quantile {@code q}, or NaN for an empty histogram. */
    static double quantile(AtomicLongArray h, double q) {
        long total = 0;
        for (int i = 0; i < BUCKETS; i++) {
            total += h.get(i);
        }
        if (total == 0) {
            return Double.NaN;
        }
        long rank = (long) Math.ceil(q * total);
        long seen = 0;
        for (int i = 0; i < BUCKETS; i++) {
            seen += h.get(i);
            if (seen >= rank) {
                return BASE * Math.pow(GROWTH, i + 0.5);
            }
        }
        return BASE * Math.pow(GROWTH, BUCKETS - 0.5);
    }
}
