package dev.vitals.metrics;

import dev.vitals.internal.Args;
import dev.vitals.internal.ThrottledLogger;
import dev.vitals.labels.Family;
import dev.vitals.labels.LabelMetrics;
import dev.vitals.labels.MetricFamilies;
import dev.vitals.labels.Series;
import dev.vitals.labels.LabelPolicy;
import dev.vitals.labels.LabelValues;
import dev.vitals.llm.ErrorType;
import dev.vitals.llm.LlmCall;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.datapoints.GaugeDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;
import java.util.function.Function;
import java.util.logging.Logger;

/**
 * Turns each {@link LlmCall} into Prometheus metrics, in two switchable families:
 * <ul>
 *   <li>the source document's {@code llm_*} names ({@code llm_requests_total{model_name,status}},
 *       {@code llm_request_latency_seconds}, token counters, cost, response length, ...);</li>
 *   <li>the OpenTelemetry GenAI semantic conventions in Prometheus form
 *       ({@code gen_ai_client_operation_duration_seconds}, {@code gen_ai_client_token_usage}, ...).</li>
 * </ul>
 *
 * <pre>{@code
 * LlmMetrics metrics = LlmMetrics.builder().register(PrometheusRegistry.defaultRegistry);
 * metrics.record(LlmCall.builder("gpt-4o-mini").success().tokens(12, 80).durationSeconds(0.7).build());
 * }</pre>
 *
 * <p>{@link #record} is thread-safe and never throws: a failure inside it is counted in
 * {@code vitals_recording_errors_total} and logged at most once a minute. Label series are resolved
 * once per model and cached, so a warm {@code record} does hash lookups and atomic adds only.
 * At most {@code maxModels} distinct model names get their own series (default 1,000); later ones
 * fold into {@code model_name="__overflow__"} and are counted in
 * {@code vitals_label_overflow_total{metric="llm"}}.
 */
public final class LlmMetrics implements dev.vitals.llm.CallListener {
    private static final Logger LOG = Logger.getLogger(LlmMetrics.class.getName());
    private static final int MAX_PROVIDERS_PER_MODEL = 16;
    /** Smoothing of {@code llm_cost_per_query_usd}: an EWMA that weighs about the last 100 priced calls. */
    static final double COST_EWMA_ALPHA = 2.0 / 101.0;

    private final boolean sourceFamily;
    private final boolean genAiFamily;
    private final int maxModels;
    private final Map<String, ModelSeries> models = new ConcurrentHashMap<>();
    private volatile ModelSeries overflow;

    // source family: every family comes from MetricFamilies, so every tuple is cleaned, capped and budgeted
    private final Family<CounterDataPoint> requests;
    private final Family<CounterDataPoint> errors;
    private final Family<GaugeDataPoint> costPerQuery;
    private final Map<ModelCounter, Family<CounterDataPoint>> counters = new EnumMap<>(ModelCounter.class);
    private final Map<ModelHistogram, Family<DistributionDataPoint>> histograms = new EnumMap<>(ModelHistogram.class);
    // GenAI family
    private final GenAiSeries.Families genAiFamilies;
    private final MetricFamilies families;
    private final long idleMillis;
    // self metrics
    private final Counter recordingErrors;
    private final CounterDataPoint labelOverflow;
    private final LabelPolicy policy;
    /** Raw name to series: the warm path, bounded to twice the model cap; misses go through the policy. */
    private final Map<String, ModelSeries> byRawName = new ConcurrentHashMap<>();
    private final ThrottledLogger errorLog = new ThrottledLogger(LOG, Duration.ofMinutes(1));

    private LlmMetrics(Builder b, PrometheusRegistry registry) {
        this.sourceFamily = b.sourceFamily;
        this.genAiFamily = b.genAiFamily;
        this.maxModels = b.maxModels;
        this.families = MetricFamilies.of(registry);
        this.idleMillis = families.idleMillis();
        // a family's own cap: every model at its widest (errors: one tuple per error type; GenAI: 16 providers)
        final int cap = (int) Math.min(LabelPolicy.MAX_SERIES_CAP, (long) b.maxModels * (ErrorType.values().length + 2) * 4);
        if (sourceFamily) {
            // llm_requests_total first: collected first, so a scrape that counts a call sees all it carried
            requests = families.counter(Counter.builder().name("llm_requests_total")
                    .help("Total number of LLM generation requests.")
                    .labelNames("model_name", "status"), cap);
            errors = families.counter(Counter.builder().name("llm_errors_total")
                    .help("Failed LLM calls by normalized error type; sums to llm_requests_total{status=\"failure\"}.")
                    .labelNames("model_name", "error_type"), cap);
            costPerQuery = families.gauge(Gauge.builder().name("llm_cost_per_query_usd")
                    .help("Estimated cost in USD for a single LLM query: moving average over about the last 100 priced queries.")
                    .labelNames("model_name"), cap);
            for (ModelCounter c : ModelCounter.values()) {
                counters.put(c, families.counter(Counter.builder().name(c.metric).help(c.help).labelNames("model_name"), cap));
            }
            for (ModelHistogram h : ModelHistogram.values()) {
                histograms.put(h, families.histogram(withUnit(Histogram.builder().name(h.metric).help(h.help), h.unit)
                        .classicOnly().classicUpperBounds(h.bounds != null ? h.bounds : b.latencyBuckets)
                        .labelNames("model_name"), cap));
            }
        } else {
            requests = errors = null;
            costPerQuery = null;
        }
        if (genAiFamily) {
            genAiFamilies = new GenAiSeries.Families(genAiHistogram("gen_ai_client_operation_duration_seconds",
                    "GenAI operation duration (OpenTelemetry gen_ai.client.operation.duration).",
                    Unit.SECONDS, Buckets.GENAI_OPERATION_DURATION, cap, "error_type"),
                    genAiHistogram("gen_ai_client_token_usage",
                    "Tokens used per operation (OpenTelemetry gen_ai.client.token.usage).",
                    null, Buckets.GENAI_TOKEN_USAGE, cap, "gen_ai_token_type"),
                    genAiHistogram("gen_ai_server_time_to_first_token_seconds",
                    "Time to generate the first token of a stream (OpenTelemetry gen_ai.server.time_to_first_token).",
                    Unit.SECONDS, Buckets.GENAI_TIME_TO_FIRST_TOKEN, cap),
                    genAiHistogram("gen_ai_server_time_per_output_token_seconds",
                    "Time per output token after the first (OpenTelemetry gen_ai.server.time_per_output_token).",
                    Unit.SECONDS, Buckets.GENAI_TIME_PER_OUTPUT_TOKEN, cap));
        } else {
            genAiFamilies = null;
        }
        recordingErrors = Counter.builder().name("vitals_recording_errors_total")
                .help("Calls that could not be recorded because recording itself failed; the caller was not affected.")
                .register(registry);
        LabelMetrics lm = LabelMetrics.of(registry);
        labelOverflow = lm.overflow("llm");
        policy = b.labelPolicy != null ? b.labelPolicy : families.policy();
        families.onExpire(this::dropIdleModels);
    }

    /** A GenAI-family classic histogram by operation, provider and model, plus {@code extra} labels. */
    private Family<DistributionDataPoint> genAiHistogram(String name, String help, Unit unit, double[] bounds, int cap,
            String... extra) {
        String[] labels = new String[3 + extra.length];
        labels[0] = "gen_ai_operation_name";
        labels[1] = "gen_ai_provider_name";
        labels[2] = "gen_ai_request_model";
        System.arraycopy(extra, 0, labels, 3, extra.length);
        return families.histogram(withUnit(Histogram.builder().name(name).help(help), unit).classicOnly()
                .classicUpperBounds(bounds).labelNames(labels), cap);
    }

    // the builder is handed to MetricFamilies in the statement that names its labels (NoLabelBypassTest)
    private static Histogram.Builder withUnit(Histogram.Builder b, Unit unit) {
        return unit == null ? b : b.unit(unit);
    }

    /** Forgets models idle for the families' idle time, so they leave the model cap too. */
    private void dropIdleModels() {
        long cutoff = System.currentTimeMillis() - idleMillis;
        models.values().removeIf(m -> m.lastUsed < cutoff);
        byRawName.values().removeIf(m -> m.lastUsed < cutoff);
    }

    /** A new builder with both families on. */
    public static Builder builder() {
        return new Builder();
    }

    @Override
    public void onCall(LlmCall call) {
        record(call);
    }

    /** Records one finished call. Thread-safe; never throws. */
    public void record(LlmCall call) {
        try {
            ModelSeries s = series(call.model());
            s.touch();
            boolean exemplar = exemplar(s, call);
            // the GenAI family first: recordSource counts llm_requests_total last of all, so a scrape that
            // sees the call counted sees everything it carried in both families
            if (genAiFamily) {
                s.genAi(call.provider(), call.operation()).record(call, exemplar);
            }
            if (sourceFamily) {
                s.recordSource(call, exemplar);
            }
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            recordingErrors.inc();
            errorLog.warning("recording an LLM call failed (further failures in the next minute are only counted)", e);
        }
    }

    private ModelSeries series(String model) {
        ModelSeries s = byRawName.get(model);
        if (s != null) {
            return s;
        }
        // keyed by the cleaned label value, not the raw name: names that clean alike (every e-mail is
        // "[email]") share one series, one place under the cap and one cost average. At the cap a new
        // name is not even cleaned: under a cardinality attack each costs one failed lookup.
        s = models.size() >= maxModels ? null : capped(models, policy.clean(model), maxModels, ModelSeries::new);
        if (s != null) {
            if (byRawName.size() < 2 * maxModels) {
                byRawName.putIfAbsent(model, s);
            }
            return s;
        }
        labelOverflow.inc();
        ModelSeries o = overflow;
        if (o == null) {
            synchronized (this) {
                if (overflow == null) {
                    overflow = new ModelSeries(LabelValues.OVERFLOW);
                }
                o = overflow;
            }
        }
        return o;
    }

    /**
     * The value under {@code key}, created when {@code map} holds fewer than {@code max} entries;
     * {@code null} when it is full. Creation is serialized so that concurrent first recordings of
     * different keys cannot push the map past {@code max}; lookups of existing keys take no lock.
     */
    private static <V> V capped(Map<String, V> map, String key, int max, Function<String, V> create) {
        V v = map.get(key);
        if (v != null) {
            return v;
        }
        if (map.size() < max) {
            synchronized (map) {
                if (map.size() < max) {
                    return map.computeIfAbsent(key, create);
                }
            }
        }
        return map.get(key); // created by another thread since the first look
    }

    /**
     * The series of one model. Each handle is resolved on first use (an error type or a cost that never
     * happened has no series) and cached, so a warm recording allocates nothing.
     */
    private final class ModelSeries {
        final String model;
        volatile long lastUsed = System.currentTimeMillis();
        private volatile Series<CounterDataPoint> ok;
        private volatile Series<CounterDataPoint> failed;
        private volatile Series<GaugeDataPoint> costPerQueryS;
        private final Map<ErrorType, Series<CounterDataPoint>> errorS = new ConcurrentHashMap<>();
        private final AtomicReferenceArray<Series<CounterDataPoint>> counterS =
                new AtomicReferenceArray<>(ModelCounter.values().length);
        private final AtomicReferenceArray<Series<DistributionDataPoint>> histogramS =
                new AtomicReferenceArray<>(ModelHistogram.values().length);
        final AtomicLong costEwmaBits = new AtomicLong(Double.doubleToRawLongBits(Double.NaN));
        volatile long lastExemplarNanos = System.nanoTime() - EXEMPLAR_INTERVAL_NANOS;
        final Map<String, Map<String, GenAiSeries>> genAi = new ConcurrentHashMap<>();

        ModelSeries(String model) {
            this.model = model;
        }

        void touch() {
            long now = System.currentTimeMillis();
            if (now - lastUsed >= 1000) {
                lastUsed = now;
            }
        }

        void recordSource(LlmCall c, boolean exemplar) {
            Exemplars.observe(histogram(ModelHistogram.LATENCY), c.durationSeconds(), exemplar ? c : null);
            if (c.inputTokens() > 0) {
                counter(ModelCounter.INPUT_TOKENS).inc(c.inputTokens());
            }
            if (c.outputTokens() > 0) {
                counter(ModelCounter.OUTPUT_TOKENS).inc(c.outputTokens());
            }
            if (c.cachedInputTokens() > 0) {
                counter(ModelCounter.CACHED_INPUT_TOKENS).inc(c.cachedInputTokens());
            }
            if (c.tokensEstimated()) {
                counter(ModelCounter.ESTIMATED).inc();
            }
            if (c.success()) {
                histogram(ModelHistogram.RESPONSE_LENGTH).observe(c.responseChars());
            }
            if (c.priced()) {
                double cost = c.costUsd();
                counter(ModelCounter.COST).inc(cost);
                histogram(ModelHistogram.QUERY_COST).observe(cost);
                // resolved on the first priced call: an unpriced model must not report a cost of 0
                (costPerQueryS != null ? costPerQueryS : (costPerQueryS = costPerQuery.series(model))).get().set(updateEwma(cost));
            } else {
                counter(ModelCounter.UNPRICED).inc();
            }
            if (!Double.isNaN(c.upstreamSeconds())) {
                histogram(ModelHistogram.UPSTREAM_LATENCY).observe(c.upstreamSeconds());
                histogram(ModelHistogram.OVERHEAD).observe(Math.max(0, c.durationSeconds() - c.upstreamSeconds()));
            }
            if (!Double.isNaN(c.timeToFirstTokenSeconds())) {
                histogram(ModelHistogram.TIME_TO_FIRST_TOKEN).observe(c.timeToFirstTokenSeconds());
                double tpot = timePerOutputToken(c);
                if (!Double.isNaN(tpot)) {
                    histogram(ModelHistogram.TIME_PER_OUTPUT_TOKEN).observe(tpot);
                }
            }
            if (c.attempts() > 1) {
                counter(ModelCounter.FALLBACKS).inc(c.attempts() - 1);
            }
            // the call is counted last: llm_requests_total is collected before the families above, so a scrape
            // that counts this call also sees its tokens, cost and latency (tests and dashboards poll on it)
            if (c.success()) {
                (ok != null ? ok : (ok = requests.series(model, "success"))).get().inc();
            } else {
                errorS.computeIfAbsent(c.errorType(), t -> errors.series(model, t.label())).get().inc();
                (failed != null ? failed : (failed = requests.series(model, "failure"))).get().inc();
            }
        }

        private CounterDataPoint counter(ModelCounter c) {
            return resolve(counterS, c.ordinal(), counters.get(c));
        }

        private DistributionDataPoint histogram(ModelHistogram h) {
            return resolve(histogramS, h.ordinal(), histograms.get(h));
        }

        /** The data point of this model's series at {@code i}, resolved on first use and cached. */
        private <D extends DataPoint> D resolve(AtomicReferenceArray<Series<D>> cache, int i, Family<D> family) {
            Series<D> s = cache.get(i);
            if (s == null) {
                s = family.series(model);
                cache.set(i, s); // a benign race: both resolve the same tuple
            }
            return s.get();
        }

        private double updateEwma(double cost) {
            while (true) {
                long bits = costEwmaBits.get();
                double prev = Double.longBitsToDouble(bits);
                double next = Double.isNaN(prev) ? cost : prev + COST_EWMA_ALPHA * (cost - prev);
                if (costEwmaBits.compareAndSet(bits, Double.doubleToRawLongBits(next))) {
                    return next;
                }
            }
        }

        GenAiSeries genAi(String provider, String operation) {
            Map<String, GenAiSeries> known = genAi.get(provider);
            GenAiSeries hit = known == null ? null : known.get(operation);
            if (hit != null) {
                return hit; // raw and cleaned names are the same for the values the server sends
            }
            provider = policy.clean(provider);
            operation = policy.clean(operation);
            Map<String, GenAiSeries> byOp = capped(genAi, provider, MAX_PROVIDERS_PER_MODEL, k -> new ConcurrentHashMap<>());
            if (byOp == null) {
                labelOverflow.inc();
                provider = LabelValues.OVERFLOW;
                byOp = genAi.computeIfAbsent(provider, k -> new ConcurrentHashMap<>());
            }
            final String p = provider;
            GenAiSeries s = capped(byOp, operation, MAX_PROVIDERS_PER_MODEL, o -> new GenAiSeries(genAiFamilies, o, p, model));
            if (s == null) {
                labelOverflow.inc();
                s = byOp.computeIfAbsent(LabelValues.OVERFLOW, o -> new GenAiSeries(genAiFamilies, o, p, model));
            }
            return s;
        }
    }

    /** At most one exemplar candidate per model every 100 ms: the labels of others are never built. */
    static final long EXEMPLAR_INTERVAL_NANOS = 100_000_000L;

    /**
     * Whether this call offers an exemplar. Building exemplar labels allocates, and client_java keeps
     * at most one exemplar per bucket every ~90 ms anyway, so candidates are offered at most every
     * {@link #EXEMPLAR_INTERVAL_NANOS} per model; other calls record without allocating.
     */
    private static boolean exemplar(ModelSeries s, LlmCall c) {
        if (c.requestId() == null && c.traceId() == null) {
            return false;
        }
        long now = System.nanoTime();
        boolean due = now - s.lastExemplarNanos >= EXEMPLAR_INTERVAL_NANOS;
        if (due) {
            s.lastExemplarNanos = now; // a benign race: two threads may both offer one
        }
        return due;
    }

    /** Streams only: (end - first token) / (output tokens - 1), as the GenAI conventions define it. */
    static double timePerOutputToken(LlmCall c) {
        if (Double.isNaN(c.timeToFirstTokenSeconds()) || c.outputTokens() < 2) {
            return Double.NaN;
        }
        return Math.max(0, c.durationSeconds() - c.timeToFirstTokenSeconds()) / (c.outputTokens() - 1);
    }

    /** Configures and registers {@link LlmMetrics}. */
    public static final class Builder {
        private boolean sourceFamily = true;
        private boolean genAiFamily = true;
        private int maxModels = 1000;
        private double[] latencyBuckets = Buckets.LATENCY_SECONDS;
        private LabelPolicy labelPolicy;

        private Builder() {
        }

        /**
         * The policy every label value passes through (PII redaction, length); default
         * {@code LabelPolicy.builder()} counting into this registry's {@code vitals_label_*} metrics.
         */
        public Builder labelPolicy(LabelPolicy policy) {
            this.labelPolicy = java.util.Objects.requireNonNull(policy, "policy must not be null");
            return this;
        }

        /** The source document's {@code llm_*} family; on by default. */
        public Builder sourceFamily(boolean on) {
            this.sourceFamily = on;
            return this;
        }

        /** The OpenTelemetry GenAI {@code gen_ai_*} family; on by default. */
        public Builder genAiFamily(boolean on) {
            this.genAiFamily = on;
            return this;
        }

        /** Distinct model names with their own series before new ones fold into {@code __overflow__}; default 1,000. */
        public Builder maxModels(int maxModels) {
            this.maxModels = Args.atLeast(maxModels, 1, "maxModels");
            return this;
        }

        /** Upper bounds of {@code llm_request_latency_seconds}; default {@link Buckets#LATENCY_SECONDS} (to 600 s). */
        public Builder latencyBuckets(double... bounds) {
            if (bounds == null || bounds.length == 0) {
                throw new IllegalArgumentException("latencyBuckets must not be empty");
            }
            for (int i = 0; i < bounds.length; i++) {
                if (!Double.isFinite(bounds[i]) || (i > 0 && bounds[i] <= bounds[i - 1])) {
                    throw new IllegalArgumentException("latencyBuckets must be finite and strictly increasing, got "
                            + java.util.Arrays.toString(bounds));
                }
            }
            this.latencyBuckets = bounds.clone();
            return this;
        }

        /** Registers the metrics on {@code registry}. Registering twice on one registry fails. */
        public LlmMetrics register(PrometheusRegistry registry) {
            return new LlmMetrics(this, registry);
        }
    }
}
