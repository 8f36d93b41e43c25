package dev.vitals.labels;

import dev.vitals.internal.Args;
import io.prometheus.metrics.core.datapoints.DataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.core.metrics.StatefulMetric;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.WeakHashMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.LongSupplier;

/**
 * The one way to make a labelled series. Every labelled metric family of the project is registered
 * here and only a {@link Family} or {@link CallbackFamily} comes back, never the client_java metric,
 * so every label tuple passes:
 * <ol>
 *   <li>the {@link LabelPolicy} ({@link LabelPolicy#clean}: PII redaction, length, UTF-16), counted
 *       in {@code vitals_label_redactions_total{kind}};</li>
 *   <li>the family's cap and one global budget for the whole registry ({@code metrics.maxSeries});
 *       past either a recording goes to the family's all-{@code __overflow__} series, counted in
 *       {@code vitals_label_overflow_total{metric}} (callback gauges drop the value instead);</li>
 *   <li>idle expiry: a series unused for {@code idle} is removed by {@link #expireIdle()} and its
 *       budget freed, so a one-time burst does not hold the budget forever.</li>
 * </ol>
 * Series exist from their first use only: nothing is pre-created at zero.
 *
 * <pre>{@code
 * MetricFamilies f = MetricFamilies.configure(registry, MetricFamilies.options().maxSeries(20_000));
 * Family<CounterDataPoint> c = f.counter(Counter.builder().name("x_total").help("...").labelNames("model"));
 * c.labels(model).inc();
 * }</pre>
 */
public final class MetricFamilies {
    /** Default global budget: 15,000 series (the 10,000-model attack then scrapes under 2 MB) across all families of one registry. */
    public static final int DEFAULT_MAX_SERIES = 15_000;
    /** Default idle time after which a series is dropped: 60 minutes. */
    public static final Duration DEFAULT_IDLE = Duration.ofMinutes(60);
    private static final Map<PrometheusRegistry, MetricFamilies> BY_REGISTRY = new WeakHashMap<>();

    private final PrometheusRegistry registry;
    private final LabelPolicy policy;
    private final LabelMetrics labelMetrics;
    private final int maxSeries;
    private final long idleMillis;
    private final LongSupplier clock;
    private final AtomicInteger used = new AtomicInteger();
    private final List<Admission> families = new CopyOnWriteArrayList<>();
    private final Set<String> names = ConcurrentHashMap.newKeySet();
    private final List<Runnable> sweepHooks = new CopyOnWriteArrayList<>();
    private final Counter expired;

    private MetricFamilies(PrometheusRegistry registry, Options o) {
        this.registry = registry;
        this.labelMetrics = LabelMetrics.of(registry);
        this.policy = o.policy != null ? o.policy : LabelPolicy.builder().metrics(labelMetrics).build();
        this.maxSeries = o.maxSeries;
        this.idleMillis = o.idle.toMillis();
        this.clock = o.clock;
        this.expired = Counter.builder().name("vitals_series_expired_total")
                .help("Labelled series dropped because they were idle for metrics.seriesIdleMinutes.").register(registry);
        GaugeWithCallback.builder().name("vitals_series")
                .help("Labelled series held now, across all families (bounded by metrics.maxSeries).")
                .callback(cb -> cb.call(used.get())).register(registry);
        GaugeWithCallback.builder().name("vitals_series_budget")
                .help("The global budget of labelled series (metrics.maxSeries).")
                .callback(cb -> cb.call(maxSeries)).register(registry);
    }

    /** Default options: {@link #DEFAULT_MAX_SERIES}, {@link #DEFAULT_IDLE}, the default label policy. */
    public static Options options() {
        return new Options();
    }

    /** The component of {@code registry}, created with default options on first use. */
    public static MetricFamilies of(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry must not be null");
        synchronized (BY_REGISTRY) {
            return BY_REGISTRY.computeIfAbsent(registry, r -> new MetricFamilies(r, options()));
        }
    }

    /**
     * Creates the component of {@code registry} with {@code options}; call it before anything registers
     * a family there.
     *
     * @throws IllegalStateException when the registry already has one
     */
    public static MetricFamilies configure(PrometheusRegistry registry, Options options) {
        Objects.requireNonNull(registry, "registry must not be null");
        synchronized (BY_REGISTRY) {
            if (BY_REGISTRY.containsKey(registry)) {
                throw new IllegalStateException("metric families of this registry are already configured");
            }
            MetricFamilies f = new MetricFamilies(registry, options);
            BY_REGISTRY.put(registry, f);
            return f;
        }
    }

    /** A counter family; at most {@code policy.maxSeriesPerMetric} label tuples of its own. */
    public Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> counter(Counter.Builder b) {
        return counter(b, policy.maxSeriesPerMetric());
    }

    /** A counter family with its own cap. */
    public Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> counter(Counter.Builder b, int cap) {
        Counter c = b.build();
        return stateful(c, cap, c.getPrometheusName() + "_total"); // the name as exposed
    }

    /** A gauge family. */
    public Family<io.prometheus.metrics.core.datapoints.GaugeDataPoint> gauge(Gauge.Builder b, int cap) {
        return stateful(b.build(), cap, null);
    }

    /** A histogram family. */
    public Family<io.prometheus.metrics.core.datapoints.DistributionDataPoint> histogram(Histogram.Builder b) {
        return histogram(b, policy.maxSeriesPerMetric());
    }

    /** A histogram family with its own cap. */
    public Family<io.prometheus.metrics.core.datapoints.DistributionDataPoint> histogram(Histogram.Builder b, int cap) {
        Histogram h = b.build();
        Family<io.prometheus.metrics.core.datapoints.DistributionDataPoint> f = stateful(h, cap, null);
        f.cost = seriesPerTuple(h);
        return f;
    }

    /**
     * What one label tuple of a histogram costs in the budget: its exposed series (each bucket, _count,
     * _sum), read from a probe data point made and removed before the family is registered.
     */
    private static int seriesPerTuple(Histogram h) {
        String[] probe = new String[labelNames(h)];
        java.util.Arrays.fill(probe, "probe");
        h.labelValues(probe);
        int buckets = h.collect().getDataPoints().get(0).getClassicBuckets().size();
        h.remove(probe);
        return buckets + 2;
    }

    private static int labelNames(Histogram h) {
        // the arity is only known by trying: client_java checks it in labelValues
        for (int n = 0; n <= 16; n++) {
            try {
                String[] v = new String[n];
                java.util.Arrays.fill(v, "probe");
                h.labelValues(v);
                h.remove(v);
                return n;
            } catch (IllegalArgumentException e) {
                // not this arity
            }
        }
        throw new IllegalArgumentException("more than 16 labels on " + h.getPrometheusName());
    }

    /**
     * A gauge whose values are read at scrape time: {@code callback} emits through a
     * {@link CallbackFamily.Emitter} that cleans and admits each tuple (values of refused tuples are
     * dropped and counted).
     */
    public CallbackFamily gaugeWithCallback(GaugeWithCallback.Builder b, int cap, Consumer<CallbackFamily.Emitter> callback) {
        CallbackFamily f = new CallbackFamily(this, cap);
        GaugeWithCallback g = b.callback(cb -> f.scrape(callback, cb::call)).build();
        f.init(g.getPrometheusName());
        register(g, f);
        return f;
    }

    /** {@link #gaugeWithCallback(GaugeWithCallback.Builder, int, Consumer)} with the policy's per-metric cap. */
    public CallbackFamily gaugeWithCallback(GaugeWithCallback.Builder b, Consumer<CallbackFamily.Emitter> callback) {
        return gaugeWithCallback(b, policy.maxSeriesPerMetric(), callback);
    }

    /** A counter read at scrape time, as {@link #gaugeWithCallback}. */
    public CallbackFamily counterWithCallback(CounterWithCallback.Builder b, int cap, Consumer<CallbackFamily.Emitter> callback) {
        CallbackFamily f = new CallbackFamily(this, cap);
        CounterWithCallback c = b.callback(cb -> f.scrape(callback, cb::call)).build();
        f.init(c.getPrometheusName() + "_total");
        register(c, f);
        return f;
    }

    private <D extends DataPoint> Family<D> stateful(StatefulMetric<D, ?> m, int cap, String exposedName) {
        Family<D> f = new Family<>(this, m, cap);
        f.init(exposedName != null ? exposedName : m.getPrometheusName());
        register(m, f);
        return f;
    }

    private void register(io.prometheus.metrics.core.metrics.Metric m, Admission f) {
        if (f.cap < 1) {
            throw new IllegalArgumentException("series cap of " + f.name + " must be >= 1, got " + f.cap);
        }
        registry.register(m);
        names.add(f.name);
        families.add(f);
    }

    /** The policy every label value passes. */
    public LabelPolicy policy() {
        return policy;
    }

    /** The global budget. */
    public int maxSeries() {
        return maxSeries;
    }

    /** Series held now across all families. */
    public int seriesCount() {
        return used.get();
    }

    /** Idle time after which {@link #expireIdle()} drops a series, milliseconds. */
    public long idleMillis() {
        return idleMillis;
    }

    /** Prometheus names of the families registered here (metadata names, without {@code _total}). */
    public Set<String> familyNames() {
        return Set.copyOf(names);
    }

    /** Runs after each {@link #expireIdle()}, e.g. for callers that cache per-model state. */
    public void onExpire(Runnable hook) {
        sweepHooks.add(hook);
    }

    /**
     * Drops every series idle for longer than the idle time and frees its budget; returns how many.
     * Call it periodically (the server does every minute). A recording racing with the removal of its
     * own idle series may be lost once; the next one re-creates the series.
     */
    public int expireIdle() {
        long cutoff = clock.getAsLong() - idleMillis;
        int n = 0;
        for (Admission f : families) {
            n += f.expire(cutoff);
        }
        if (n > 0) {
            expired.inc(n);
        }
        for (Runnable r : sweepHooks) {
            r.run();
        }
        return n;
    }

    long now() {
        return clock.getAsLong();
    }

    LabelMetrics labelMetrics() {
        return labelMetrics;
    }

    boolean reserve(int cost) {
        return SeriesLimiter.tryAdd(used, cost, maxSeries);
    }

    void release(int n) {
        used.addAndGet(-n);
    }

    /** Options of {@link #configure}. */
    public static final class Options {
        private LabelPolicy policy;
        private int maxSeries = DEFAULT_MAX_SERIES;
        private Duration idle = DEFAULT_IDLE;
        private LongSupplier clock = System::currentTimeMillis;

        private Options() {
        }

        /** The label policy; default one counting into the registry's {@code vitals_label_*}. */
        public Options policy(LabelPolicy p) {
            this.policy = Objects.requireNonNull(p, "policy must not be null");
            return this;
        }

        /** The global budget of labelled series; at least 1. */
        public Options maxSeries(int n) {
            this.maxSeries = Args.atLeast(n, 1, "maxSeries");
            return this;
        }

        /** Idle time after which a series is dropped; positive. */
        public Options idle(Duration d) {
            this.idle = Args.positive(d, "idle");
            return this;
        }

        /** Milliseconds clock, for tests. */
        public Options clock(LongSupplier millis) {
            this.clock = Objects.requireNonNull(millis, "clock must not be null");
            return this;
        }
    }
}
