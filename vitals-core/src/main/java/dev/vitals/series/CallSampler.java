package dev.vitals.series;

import dev.vitals.internal.Args;
import dev.vitals.labels.LabelValues;
import dev.vitals.llm.CallListener;
import dev.vitals.llm.LlmCall;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The server's own short history: per model, one value per signal per interval (default 10 s) in
 * ring buffers (default 8,640 slots = 24 h), read by the dashboard and fed to baselines.
 *
 * <pre>{@code
 * CallSampler sampler = CallSampler.builder().build();   // 10 s × 8,640, 50 models
 * sampler.onCall(call);                                   // on every call
 * sampler.tick();                                         // every interval, off the request path
 * SeriesSnapshot s = sampler.query("gpt-4o", from, to, 300);
 * }</pre>
 *
 * <p>Memory: {@value #SIGNALS} signals × 4 bytes + 8 bytes of epoch per slot and model (about 0.5 MiB
 * per model at 8,640 slots), plus the all-models series; at most {@code maxModels} models (default 50)
 * get their own series, later ones count only in the total. Quantiles come from a log-spaced
 * histogram of 64 buckets from 1 ms to about 10 min (relative error of a quantile ≤ 11%).
 * {@link #onCall} is thread-safe and never throws; {@link #tick} and {@link #query} are synchronized.
 */
public final class CallSampler implements CallListener {
    static final int SIGNALS = 11;
    /** The key of the all-models series. */
    public static final String ALL = "*";

    private final long stepMillis;
    private final int capacity;
    private final int maxModels;
    private final LongSupplier clock;
    private final Map<String, ModelSeries> models = new ConcurrentHashMap<>();
    private final ModelSeries all;
    private long currentInterval;

    private CallSampler(Builder b) {
        this.stepMillis = b.stepMillis;
        this.capacity = b.capacity;
        this.maxModels = b.maxModels;
        this.clock = b.clock;
        this.all = new ModelSeries(capacity);
        this.currentInterval = clock.getAsLong() / stepMillis;
    }

    public static Builder builder() {
        return new Builder();
    }

    public long stepMillis() {
        return stepMillis;
    }

    @Override
    public void onCall(LlmCall c) {
        try {
            all.current().add(c);
            String key = LabelValues.sanitize(c.model()); // the same key for lookup and insert
            ModelSeries m = models.get(key);
            if (m == null) {
                if (models.size() >= maxModels) {
                    return;
                }
                m = models.computeIfAbsent(key, k -> new ModelSeries(capacity));
            }
            m.current().add(c);
        } catch (RuntimeException e) {
            // the sampler is an observer: a failure here must never reach the request
        }
    }

    /**
     * Closes every interval that ended before now into the rings. Call it at least once per step
     * (the server does, on a timer); intervals with no calls are stored as zero traffic.
     *
     * @return how many intervals were closed
     */
    public synchronized int tick() {
        long now = clock.getAsLong() / stepMillis;
        int closed = 0;
        while (currentInterval < now) {
            closed++;
            all.close(currentInterval, stepMillis);
            for (ModelSeries m : models.values()) {
                m.close(currentInterval, stepMillis);
            }
            currentInterval++;
        }
        return closed;
    }

    /** Models with their own series. */
    public List<String> models() {
        List<String> out = new ArrayList<>(models.keySet());
        out.sort(null);
        return out;
    }

    /**
     * Samples of {@code model} ({@link #ALL} for all) between two times, downsampled to at most
     * {@code maxPoints} points: rates and ratios are volume-weighted means over the merged intervals,
     * quantiles the maximum (the conservative choice for latency). Null when the model is unknown.
     */
    public synchronized SeriesSnapshot query(String model, long fromMillis, long toMillis, int maxPoints) {
        ModelSeries m = ALL.equals(model) ? all : models.get(model);
        if (m == null) {
            return null;
        }
        long first = Math.max(fromMillis / stepMillis, currentInterval - capacity);
        long last = Math.min(toMillis / stepMillis, currentInterval - 1);
        int n = (int) Math.max(0, last - first + 1);
        int per = Math.max(1, (int) Math.ceil(n / (double) Math.max(1, maxPoints)));
        int points = (n + per - 1) / per;
        long[] ts = new long[points];
        long[] vol = new long[points];
        Map<Signal, double[]> values = new EnumMap<>(Signal.class);
        for (Signal s : Signal.values()) {
            double[] out = new double[points];
            for (int p = 0; p < points; p++) {
                double sum = 0;
                double weight = 0;
                double max = Double.NaN;
                for (int k = 0; k < per; k++) {
                    long iv = first + (long) p * per + k;
                    if (iv > last) {
                        break;
                    }
                    double v = m.rings.get(s).get(iv);
                    if (Double.isNaN(v)) {
                        continue;
                    }
                    double w = s == Signal.REQUEST_RATE || s == Signal.INPUT_TOKENS_RATE || s == Signal.OUTPUT_TOKENS_RATE
                            || s == Signal.COST_PER_HOUR ? 1 : Math.max(0, m.volume.get(iv));
                    if (isQuantile(s)) {
                        max = Double.isNaN(max) ? v : Math.max(max, v);
                    } else if (w > 0) {
                        sum += v * w;
                        weight += w;
                    }
                }
                out[p] = isQuantile(s) ? max : (weight > 0 ? sum / weight : Double.NaN);
            }
            values.put(s, out);
        }
        for (int p = 0; p < points; p++) {
            ts[p] = (first + (long) p * per) * stepMillis;
            long v = 0;
            for (int k = 0; k < per; k++) {
                long iv = first + (long) p * per + k;
                if (iv <= last) {
                    double x = m.volume.get(iv);
                    v += Double.isNaN(x) ? 0 : (long) x;
                }
            }
            vol[p] = v;
        }
        return new SeriesSnapshot(model, stepMillis * per, ts, values, vol);
    }

    private static boolean isQuantile(Signal s) {
        return s == Signal.LATENCY_P50 || s == Signal.LATENCY_P95 || s == Signal.LATENCY_P99 || s == Signal.TTFT_P95;
    }

    /** The most recent closed value of a signal for a model, with its request volume; NaN when none. */
    public synchronized double[] last(String model, Signal s) {
        ModelSeries m = ALL.equals(model) ? all : models.get(model);
        if (m == null) {
            return new double[] {Double.NaN, 0};
        }
        long iv = currentInterval - 1;
        return new double[] {m.rings.get(s).get(iv), Math.max(0, m.volume.get(iv))};
    }

    /**
     * Slots held by all rings of all series: {@code (series) × (SIGNALS + 1) × capacity}. It grows only
     * when a model gets its series (at most {@code maxModels + 1} series), never with time or traffic.
     */
    synchronized long slots() {
        long n = all.slots();
        for (ModelSeries m : models.values()) {
            n += m.slots();
        }
        return n;
    }

    /** Rings and the open interval's accumulator of one model. */
    private static final class ModelSeries {
        final Map<Signal, RingSeries> rings = new EnumMap<>(Signal.class);
        final RingSeries volume;
        private volatile IntervalAccumulator acc = new IntervalAccumulator();

        ModelSeries(int capacity) {
            for (Signal s : Signal.values()) {
                rings.put(s, new RingSeries(capacity));
            }
            volume = new RingSeries(capacity);
        }

        long slots() {
            long n = volume.capacity();
            for (RingSeries r : rings.values()) {
                n += r.capacity();
            }
            return n;
        }

        IntervalAccumulator current() {
            return acc;
        }

        void close(long interval, long stepMillis) {
            IntervalAccumulator a = acc;
            acc = new IntervalAccumulator();
            double step = stepMillis / 1000.0;
            long n = a.requests.sum();
            long in = a.inputTokens.sum();
            long out = a.outputTokens.sum();
            long priced = a.priced.sum();
            double cost = a.cost.sum();
            volume.put(interval, n);
            put(Signal.REQUEST_RATE, interval, n / step);
            put(Signal.ERROR_RATIO, interval, n == 0 ? Double.NaN : a.errors.sum() / (double) n);
            put(Signal.LATENCY_P50, interval, IntervalAccumulator.quantile(a.latency, 0.50));
            put(Signal.LATENCY_P95, interval, IntervalAccumulator.quantile(a.latency, 0.95));
            put(Signal.LATENCY_P99, interval, IntervalAccumulator.quantile(a.latency, 0.99));
            put(Signal.TTFT_P95, interval, IntervalAccumulator.quantile(a.ttft, 0.95));
            put(Signal.INPUT_TOKENS_RATE, interval, in / step);
            put(Signal.OUTPUT_TOKENS_RATE, interval, out / step);
            put(Signal.TOKENS_PER_REQUEST, interval, n == 0 ? Double.NaN : (in + out) / (double) n);
            put(Signal.COST_PER_HOUR, interval, cost / step * 3600);
            put(Signal.COST_PER_QUERY, interval, priced == 0 ? Double.NaN : cost / priced);
        }

        private void put(Signal s, long interval, double v) {
            rings.get(s).put(interval, v);
        }
    }

    /** Configures a {@link CallSampler}. */
    public static final class Builder {
        private long stepMillis = 10_000;
        private int capacity = 8_640;
        private int maxModels = 50;
        private LongSupplier clock = System::currentTimeMillis;

        private Builder() {
        }

        /** Interval length; default 10 s. */
        public Builder stepMillis(long stepMillis) {
            this.stepMillis = Args.atLeast(stepMillis, 100, "stepMillis");
            return this;
        }

        /** Intervals kept; default 8,640 (24 h at 10 s). */
        public Builder capacity(int capacity) {
            this.capacity = Args.inRange(capacity, 2, 1_000_000, "capacity");
            return this;
        }

        /** Models with their own series; default 50. */
        public Builder maxModels(int maxModels) {
            this.maxModels = Args.atLeast(maxModels, 1, "maxModels");
            return this;
        }

        /** The clock, epoch millis; default the system clock. */
        public Builder clock(LongSupplier clock) {
            this.clock = java.util.Objects.requireNonNull(clock, "clock must not be null");
            return this;
        }

        public CallSampler build() {
            return new CallSampler(this);
        }
    }
}
