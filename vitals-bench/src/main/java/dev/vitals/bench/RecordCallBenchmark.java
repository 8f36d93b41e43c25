package dev.vitals.bench;

import dev.vitals.llm.LlmCall;
import dev.vitals.metrics.Buckets;
import dev.vitals.metrics.LlmMetrics;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.metrics.DoubleHistogram;
import io.opentelemetry.api.metrics.LongCounter;
import io.opentelemetry.api.metrics.Meter;
import io.opentelemetry.sdk.metrics.SdkMeterProvider;
import io.opentelemetry.sdk.testing.exporter.InMemoryMetricReader;
import io.prometheus.metrics.core.metrics.Gauge;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Setup;

/**
 * The cost of recording one complete LLM call: every instrument update one call makes (13: request
 * counter, latency, tokens in/out, response length, cost counter, cost histogram, cost gauge, upstream
 * latency, overhead, GenAI duration and token usage in/out) through Vitals' {@link LlmMetrics}, and the
 * same updates made directly on client_java (labels looked up per call, as typical code does, and
 * with data points cached), on Micrometer and on the OpenTelemetry SDK.
 *
 * <pre>{@code
 * java -cp ... org.openjdk.jmh.Main RecordCallBenchmark -t 1 -prof gc
 * }</pre>
 */
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordCallBenchmark extends JmhSettings {
    static final String MODEL = "gpt-4o-mini";
    LlmCall call;
    LlmCall callWithRequestId;
    LlmMetrics vitals;

    io.prometheus.metrics.core.metrics.Counter pRequests;
    Histogram pLatency;
    io.prometheus.metrics.core.metrics.Counter pIn;
    io.prometheus.metrics.core.metrics.Counter pOut;
    Histogram pLength;
    io.prometheus.metrics.core.metrics.Counter pCost;
    Histogram pQueryCost;
    Gauge pCostGauge;
    Histogram pUpstream;
    Histogram pOverhead;
    Histogram pGenAiDuration;
    Histogram pGenAiTokens;
    // cached data points
    io.prometheus.metrics.core.datapoints.CounterDataPoint cRequests;
    io.prometheus.metrics.core.datapoints.DistributionDataPoint cLatency;
    io.prometheus.metrics.core.datapoints.CounterDataPoint cIn;
    io.prometheus.metrics.core.datapoints.CounterDataPoint cOut;
    io.prometheus.metrics.core.datapoints.DistributionDataPoint cLength;
    io.prometheus.metrics.core.datapoints.CounterDataPoint cCost;
    io.prometheus.metrics.core.datapoints.DistributionDataPoint cQueryCost;
    io.prometheus.metrics.core.datapoints.GaugeDataPoint cCostGauge;
    io.prometheus.metrics.core.datapoints.DistributionDataPoint cUpstream;
    io.prometheus.metrics.core.datapoints.DistributionDataPoint cOverhead;
    io.prometheus.metrics.core.datapoints.DistributionDataPoint cGenAiDuration;
    io.prometheus.metrics.core.datapoints.DistributionDataPoint cGenAiIn;
    io.prometheus.metrics.core.datapoints.DistributionDataPoint cGenAiOut;

    MeterRegistry micrometer;
    Counter mRequests;
    Timer mLatency;
    Counter mIn;
    Counter mOut;
    DistributionSummary mLength;
    Counter mCost;
    DistributionSummary mQueryCost;
    Timer mUpstream;
    Timer mOverhead;
    Timer mGenAiDuration;
    DistributionSummary mGenAiIn;
    DistributionSummary mGenAiOut;
    final java.util.concurrent.atomic.AtomicReference<Double> mCostGauge = new java.util.concurrent.atomic.AtomicReference<>(0.0);

    SdkMeterProvider otelProvider;
    LongCounter oRequests;
    DoubleHistogram oLatency;
    LongCounter oIn;
    LongCounter oOut;
    DoubleHistogram oLength;
    io.opentelemetry.api.metrics.DoubleCounter oCost;
    DoubleHistogram oQueryCost;
    DoubleHistogram oUpstream;
    DoubleHistogram oOverhead;
    DoubleHistogram oGenAiDuration;
    DoubleHistogram oGenAiTokens;
    Attributes oModel;
    Attributes oModelOk;
    Attributes oGenAi;
    Attributes oGenAiIn;
    Attributes oGenAiOut;

    @Setup
    public void setup() {
        call = LlmCall.builder(MODEL).provider("openai").success().tokens(120, 340).durationSeconds(0.84)
                .upstreamSeconds(0.8398).responseChars(1400).costUsd(0.000222).build();
        callWithRequestId = LlmCall.builder(MODEL).provider("openai").success().tokens(120, 340).durationSeconds(0.84)
                .upstreamSeconds(0.8398).responseChars(1400).costUsd(0.000222).requestId("req_0123456789abcdef0123456789abcdef").build();
        vitals = LlmMetrics.builder().register(new PrometheusRegistry());

        PrometheusRegistry raw = new PrometheusRegistry();
        pRequests = io.prometheus.metrics.core.metrics.Counter.builder().name("llm_requests_total").labelNames("model_name", "status").register(raw);
        pLatency = Histogram.builder().name("llm_request_latency_seconds").unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(Buckets.LATENCY_SECONDS).labelNames("model_name").register(raw);
        pIn = io.prometheus.metrics.core.metrics.Counter.builder().name("llm_input_tokens_total").labelNames("model_name").register(raw);
        pOut = io.prometheus.metrics.core.metrics.Counter.builder().name("llm_output_tokens_total").labelNames("model_name").register(raw);
        pLength = Histogram.builder().name("llm_response_length_characters").classicOnly()
                .classicUpperBounds(Buckets.RESPONSE_LENGTH_CHARS).labelNames("model_name").register(raw);
        pCost = io.prometheus.metrics.core.metrics.Counter.builder().name("llm_cost_usd_total").labelNames("model_name").register(raw);
        pQueryCost = Histogram.builder().name("llm_query_cost_usd").classicOnly().classicUpperBounds(Buckets.COST_USD)
                .labelNames("model_name").register(raw);
        pCostGauge = Gauge.builder().name("llm_cost_per_query_usd").labelNames("model_name").register(raw);
        pUpstream = Histogram.builder().name("llm_upstream_latency_seconds").unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(Buckets.LATENCY_SECONDS).labelNames("model_name").register(raw);
        pOverhead = Histogram.builder().name("llm_gateway_overhead_seconds").unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(Buckets.OVERHEAD_SECONDS).labelNames("model_name").register(raw);
        pGenAiDuration = Histogram.builder().name("gen_ai_client_operation_duration_seconds").unit(Unit.SECONDS).classicOnly()
                .classicUpperBounds(Buckets.GENAI_OPERATION_DURATION)
                .labelNames("gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "error_type").register(raw);
        pGenAiTokens = Histogram.builder().name("gen_ai_client_token_usage").classicOnly().classicUpperBounds(Buckets.GENAI_TOKEN_USAGE)
                .labelNames("gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_token_type").register(raw);
        cRequests = pRequests.labelValues(MODEL, "success");
        cLatency = pLatency.labelValues(MODEL);
        cIn = pIn.labelValues(MODEL);
        cOut = pOut.labelValues(MODEL);
        cLength = pLength.labelValues(MODEL);
        cCost = pCost.labelValues(MODEL);
        cQueryCost = pQueryCost.labelValues(MODEL);
        cCostGauge = pCostGauge.labelValues(MODEL);
        cUpstream = pUpstream.labelValues(MODEL);
        cOverhead = pOverhead.labelValues(MODEL);
        cGenAiDuration = pGenAiDuration.labelValues("chat", "openai", MODEL, "");
        cGenAiIn = pGenAiTokens.labelValues("chat", "openai", MODEL, "input");
        cGenAiOut = pGenAiTokens.labelValues("chat", "openai", MODEL, "output");

        micrometer = new SimpleMeterRegistry();
        mRequests = Counter.builder("llm.requests").tags("model_name", MODEL, "status", "success").register(micrometer);
        mLatency = Timer.builder("llm.request.latency").tags("model_name", MODEL).serviceLevelObjectives(durations(Buckets.LATENCY_SECONDS)).register(micrometer);
        mIn = Counter.builder("llm.input.tokens").tags("model_name", MODEL).register(micrometer);
        mOut = Counter.builder("llm.output.tokens").tags("model_name", MODEL).register(micrometer);
        mLength = DistributionSummary.builder("llm.response.length").tags("model_name", MODEL).serviceLevelObjectives(50, 100, 200, 500, 1000).register(micrometer);
        mCost = Counter.builder("llm.cost.usd").tags("model_name", MODEL).register(micrometer);
        mQueryCost = DistributionSummary.builder("llm.query.cost").tags("model_name", MODEL).serviceLevelObjectives(Buckets.COST_USD).register(micrometer);
        micrometer.gauge("llm.cost.per.query", io.micrometer.core.instrument.Tags.of("model_name", MODEL), mCostGauge, r -> r.get());
        mUpstream = Timer.builder("llm.upstream.latency").tags("model_name", MODEL).serviceLevelObjectives(durations(Buckets.LATENCY_SECONDS)).register(micrometer);
        mOverhead = Timer.builder("llm.gateway.overhead").tags("model_name", MODEL).serviceLevelObjectives(durations(Buckets.OVERHEAD_SECONDS)).register(micrometer);
        mGenAiDuration = Timer.builder("gen_ai.client.operation.duration").tags("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
                "gen_ai.request.model", MODEL).serviceLevelObjectives(durations(Buckets.GENAI_OPERATION_DURATION)).register(micrometer);
        mGenAiIn = DistributionSummary.builder("gen_ai.client.token.usage").tags("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
                "gen_ai.request.model", MODEL, "gen_ai.token.type", "input").serviceLevelObjectives(Buckets.GENAI_TOKEN_USAGE).register(micrometer);
        mGenAiOut = DistributionSummary.builder("gen_ai.client.token.usage").tags("gen_ai.operation.name", "chat", "gen_ai.provider.name", "openai",
                "gen_ai.request.model", MODEL, "gen_ai.token.type", "output").serviceLevelObjectives(Buckets.GENAI_TOKEN_USAGE).register(micrometer);

        otelProvider = SdkMeterProvider.builder().registerMetricReader(InMemoryMetricReader.create()).build();
        Meter meter = otelProvider.get("vitals-bench");
        oRequests = meter.counterBuilder("llm.requests").build();
        oLatency = meter.histogramBuilder("llm.request.latency").setUnit("s").setExplicitBucketBoundariesAdvice(list(Buckets.LATENCY_SECONDS)).build();
        oIn = meter.counterBuilder("llm.input.tokens").build();
        oOut = meter.counterBuilder("llm.output.tokens").build();
        oLength = meter.histogramBuilder("llm.response.length").setExplicitBucketBoundariesAdvice(list(Buckets.RESPONSE_LENGTH_CHARS)).build();
        oCost = meter.counterBuilder("llm.cost.usd").ofDoubles().build();
        oQueryCost = meter.histogramBuilder("llm.query.cost").setExplicitBucketBoundariesAdvice(list(Buckets.COST_USD)).build();
        oUpstream = meter.histogramBuilder("llm.upstream.latency").setUnit("s").setExplicitBucketBoundariesAdvice(list(Buckets.LATENCY_SECONDS)).build();
        oOverhead = meter.histogramBuilder("llm.gateway.overhead").setUnit("s").setExplicitBucketBoundariesAdvice(list(Buckets.OVERHEAD_SECONDS)).build();
        oGenAiDuration = meter.histogramBuilder("gen_ai.client.operation.duration").setUnit("s")
                .setExplicitBucketBoundariesAdvice(list(Buckets.GENAI_OPERATION_DURATION)).build();
        oGenAiTokens = meter.histogramBuilder("gen_ai.client.token.usage").setExplicitBucketBoundariesAdvice(list(Buckets.GENAI_TOKEN_USAGE)).build();
        oModel = Attributes.of(AttributeKey.stringKey("model_name"), MODEL);
        oModelOk = Attributes.of(AttributeKey.stringKey("model_name"), MODEL, AttributeKey.stringKey("status"), "success");
        oGenAi = Attributes.of(AttributeKey.stringKey("gen_ai.operation.name"), "chat", AttributeKey.stringKey("gen_ai.provider.name"), "openai",
                AttributeKey.stringKey("gen_ai.request.model"), MODEL);
        oGenAiIn = oGenAi.toBuilder().put("gen_ai.token.type", "input").build();
        oGenAiOut = oGenAi.toBuilder().put("gen_ai.token.type", "output").build();
    }

    private static Duration[] durations(double[] seconds) {
        Duration[] d = new Duration[seconds.length];
        for (int i = 0; i < d.length; i++) {
            d[i] = Duration.ofNanos((long) (seconds[i] * 1e9));
        }
        return d;
    }

    private static List<Double> list(double[] v) {
        return java.util.Arrays.stream(v).boxed().toList();
    }

    /** Vitals: one immutable record, one call. */
    @Benchmark
    public void vitals() {
        vitals.record(call);
    }

    /** Vitals as the gateway records: with a request id, so exemplars are offered (at most every 100 ms per model). */
    @Benchmark
    public void vitalsWithRequestId() {
        vitals.record(callWithRequestId);
    }

    /** client_java with label values looked up on every call (what application code usually writes). */
    @Benchmark
    public void clientJavaLabelLookup() {
        LlmCall c = call;
        pRequests.labelValues(MODEL, "success").inc();
        pLatency.labelValues(MODEL).observe(c.durationSeconds());
        pIn.labelValues(MODEL).inc(c.inputTokens());
        pOut.labelValues(MODEL).inc(c.outputTokens());
        pLength.labelValues(MODEL).observe(c.responseChars());
        pCost.labelValues(MODEL).inc(c.costUsd());
        pQueryCost.labelValues(MODEL).observe(c.costUsd());
        pCostGauge.labelValues(MODEL).set(c.costUsd());
        pUpstream.labelValues(MODEL).observe(c.upstreamSeconds());
        pOverhead.labelValues(MODEL).observe(c.durationSeconds() - c.upstreamSeconds());
        pGenAiDuration.labelValues("chat", "openai", MODEL, "").observe(c.durationSeconds());
        pGenAiTokens.labelValues("chat", "openai", MODEL, "input").observe(c.inputTokens());
        pGenAiTokens.labelValues("chat", "openai", MODEL, "output").observe(c.outputTokens());
    }

    /** client_java with every data point resolved once: the floor. */
    @Benchmark
    public void clientJavaCachedDataPoints() {
        LlmCall c = call;
        cRequests.inc();
        cLatency.observe(c.durationSeconds());
        cIn.inc(c.inputTokens());
        cOut.inc(c.outputTokens());
        cLength.observe(c.responseChars());
        cCost.inc(c.costUsd());
        cQueryCost.observe(c.costUsd());
        cCostGauge.set(c.costUsd());
        cUpstream.observe(c.upstreamSeconds());
        cOverhead.observe(c.durationSeconds() - c.upstreamSeconds());
        cGenAiDuration.observe(c.durationSeconds());
        cGenAiIn.observe(c.inputTokens());
        cGenAiOut.observe(c.outputTokens());
    }

    /** Micrometer (SimpleMeterRegistry) with meters resolved once. */
    @Benchmark
    public void micrometer() {
        LlmCall c = call;
        mRequests.increment();
        mLatency.record((long) (c.durationSeconds() * 1e9), TimeUnit.NANOSECONDS);
        mIn.increment(c.inputTokens());
        mOut.increment(c.outputTokens());
        mLength.record(c.responseChars());
        mCost.increment(c.costUsd());
        mQueryCost.record(c.costUsd());
        mCostGauge.set(c.costUsd());
        mUpstream.record((long) (c.upstreamSeconds() * 1e9), TimeUnit.NANOSECONDS);
        mOverhead.record((long) ((c.durationSeconds() - c.upstreamSeconds()) * 1e9), TimeUnit.NANOSECONDS);
        mGenAiDuration.record((long) (c.durationSeconds() * 1e9), TimeUnit.NANOSECONDS);
        mGenAiIn.record(c.inputTokens());
        mGenAiOut.record(c.outputTokens());
    }

    /** The OpenTelemetry SDK with attributes built once. */
    @Benchmark
    public void openTelemetrySdk() {
        LlmCall c = call;
        oRequests.add(1, oModelOk);
        oLatency.record(c.durationSeconds(), oModel);
        oIn.add(c.inputTokens(), oModel);
        oOut.add(c.outputTokens(), oModel);
        oLength.record(c.responseChars(), oModel);
        oCost.add(c.costUsd(), oModel);
        oQueryCost.record(c.costUsd(), oModel);
        oUpstream.record(c.upstreamSeconds(), oModel);
        oOverhead.record(c.durationSeconds() - c.upstreamSeconds(), oModel);
        oGenAiDuration.record(c.durationSeconds(), oGenAi);
        oGenAiTokens.record(c.inputTokens(), oGenAiIn);
        oGenAiTokens.record(c.outputTokens(), oGenAiOut);
    }
}
