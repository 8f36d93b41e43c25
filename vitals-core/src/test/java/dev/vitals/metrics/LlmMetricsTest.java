package dev.vitals.metrics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.labels.LabelValues;
import dev.vitals.llm.ErrorType;
import dev.vitals.llm.LlmCall;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Label;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.stream.Collectors;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class LlmMetricsTest {
    private static final double ALPHA = 2.0 / 101.0;

    private PrometheusRegistry registry;
    private LlmMetrics metrics;

    @BeforeEach
    void setUp() {
        registry = new PrometheusRegistry();
        metrics = LlmMetrics.builder().register(registry);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private static LlmCall.Builder ok(String model) {
        return LlmCall.builder(model).success().durationSeconds(0.5);
    }

    private static LlmCall.Builder failed(String model, ErrorType type) {
        return LlmCall.builder(model).failure(type).durationSeconds(0.5);
    }

    /** The snapshot of {@code name} (counters may be named with or without {@code _total}), or {@code null}. */
    private static MetricSnapshot find(PrometheusRegistry r, String name) {
        for (MetricSnapshot s : r.scrape()) {
            String n = s.getMetadata().getPrometheusName();
            if (n.equals(name) || (n + "_total").equals(name)) {
                return s;
            }
        }
        return null;
    }

    private MetricSnapshot snapshot(String name) {
        MetricSnapshot s = find(registry, name);
        assertThat(s).as("metric %s is registered", name).isNotNull();
        return s;
    }

    private static <T extends DataPointSnapshot> T point(MetricSnapshot s, Class<T> type, String... labels) {
        Labels want = Labels.of(labels);
        for (DataPointSnapshot dp : s.getDataPoints()) {
            if (dp.getLabels().equals(want)) {
                return type.cast(dp);
            }
        }
        throw new AssertionError("no series " + want + " in " + s.getMetadata().getName() + "; have "
                + s.getDataPoints().stream().map(d -> d.getLabels().toString()).collect(Collectors.toList()));
    }

    private boolean hasSeries(String name, String... labels) {
        Labels want = Labels.of(labels);
        return snapshot(name).getDataPoints().stream().anyMatch(d -> d.getLabels().equals(want));
    }

    private double counter(String name, String... labels) {
        MetricSnapshot s = snapshot(name);
        assertThat(s).isInstanceOf(CounterSnapshot.class);
        return point(s, CounterDataPointSnapshot.class, labels).getValue();
    }

    /** 0 for a series never created (series exist from their first use only). */
    private double counterOrZero(String name, String... labels) {
        return hasSeries(name, labels) ? counter(name, labels) : 0;
    }

    private double gauge(String name, String... labels) {
        MetricSnapshot s = snapshot(name);
        assertThat(s).isInstanceOf(GaugeSnapshot.class);
        return point(s, GaugeDataPointSnapshot.class, labels).getValue();
    }

    private HistogramDataPointSnapshot histogram(String name, String... labels) {
        MetricSnapshot s = snapshot(name);
        assertThat(s).isInstanceOf(HistogramSnapshot.class);
        return point(s, HistogramDataPointSnapshot.class, labels);
    }

    /** The (non-cumulative) count of the bucket with upper bound {@code le}. */
    private static long bucket(HistogramDataPointSnapshot h, double le) {
        for (ClassicHistogramBucket b : h.getClassicBuckets()) {
            if (b.getUpperBound() == le) {
                return b.getCount();
            }
        }
        throw new AssertionError("no bucket le=" + le);
    }

    /** The finite upper bounds of a histogram's buckets (+Inf is checked to be last and is left out). */
    private static List<Double> bounds(HistogramDataPointSnapshot h) {
        List<Double> out = new ArrayList<>();
        for (ClassicHistogramBucket b : h.getClassicBuckets()) {
            out.add(b.getUpperBound());
        }
        assertThat(out).last().isEqualTo(Double.POSITIVE_INFINITY);
        return out.subList(0, out.size() - 1);
    }

    private static List<Double> list(double... values) {
        List<Double> l = new ArrayList<>();
        for (double v : values) {
            l.add(v);
        }
        return l;
    }

    private Set<String> labelValues(String metric, String label) {
        return snapshot(metric).getDataPoints().stream()
                .map(d -> d.getLabels().get(label))
                .collect(Collectors.toCollection(TreeSet::new));
    }

    private static Set<String> labelNames(DataPointSnapshot dp) {
        Set<String> names = new TreeSet<>();
        for (Label l : dp.getLabels()) {
            names.add(l.getName());
        }
        return names;
    }

    private Set<String> metricNames(PrometheusRegistry r) {
        return r.scrape().stream().map(s -> s.getMetadata().getPrometheusName())
                .collect(Collectors.toCollection(TreeSet::new));
    }

    // ---- source family ------------------------------------------------------------------------

    @Test
    void requestsArePerModelAndStatus() {
        for (int i = 0; i < 3; i++) {
            metrics.record(ok("a").build());
        }
        metrics.record(failed("a", ErrorType.TIMEOUT).build());
        metrics.record(failed("a", ErrorType.RATE_LIMITED).build());
        metrics.record(ok("b").build());

        assertThat(counter("llm_requests_total", "model_name", "a", "status", "success")).isEqualTo(3);
        assertThat(counter("llm_requests_total", "model_name", "a", "status", "failure")).isEqualTo(2);
        assertThat(counter("llm_requests_total", "model_name", "b", "status", "success")).isEqualTo(1);
        // created on first use: a status that never happened has no series
        assertThat(hasSeries("llm_requests_total", "model_name", "b", "status", "failure")).isFalse();
        assertThat(labelValues("llm_requests_total", "model_name")).containsExactly("a", "b");
    }

    @Test
    void tokensAreSummedAndCachedTokensCountedApart() {
        metrics.record(ok("a").tokens(10, 20).build());
        metrics.record(ok("a").tokens(10, 20).cachedInputTokens(4).build());
        metrics.record(ok("a").tokens(5, 0).build());
        metrics.record(failed("a", ErrorType.UPSTREAM_5XX).tokens(7, 0).build());
        metrics.record(ok("b").tokens(1, 2).build());

        assertThat(counter("llm_input_tokens_total", "model_name", "a")).isEqualTo(32);
        assertThat(counter("llm_output_tokens_total", "model_name", "a")).isEqualTo(40);
        assertThat(counter("llm_cached_input_tokens_total", "model_name", "a")).isEqualTo(4);
        assertThat(counter("llm_input_tokens_total", "model_name", "b")).isEqualTo(1);
        assertThat(counter("llm_output_tokens_total", "model_name", "b")).isEqualTo(2);
        assertThat(hasSeries("llm_cached_input_tokens_total", "model_name", "b")).isFalse();
    }

    @Test
    void estimatedTokenCallsAreCounted() {
        metrics.record(ok("a").tokens(1, 1).tokensEstimated(true).build());
        metrics.record(ok("a").tokens(1, 1).build());
        assertThat(counter("llm_estimated_token_requests_total", "model_name", "a")).isEqualTo(1);
    }

    @Test
    void latencyBucketsReachTenMinutesSoLongCallsAreNotOnlyInInf() {
        metrics.record(ok("a").durationSeconds(0.003).build());
        metrics.record(ok("a").durationSeconds(1.2).build());
        metrics.record(ok("a").durationSeconds(301).build());
        metrics.record(ok("a").durationSeconds(600).build());
        metrics.record(ok("a").durationSeconds(601).build());

        HistogramDataPointSnapshot h = histogram("llm_request_latency_seconds", "model_name", "a");
        assertThat(h.getCount()).isEqualTo(5);
        assertThat(h.getSum()).isCloseTo(0.003 + 1.2 + 301 + 600 + 601, within(1e-9));
        assertThat(bucket(h, 0.005)).isEqualTo(1);
        assertThat(bucket(h, 1.5)).isEqualTo(1);
        assertThat(bucket(h, 300)).isZero();
        assertThat(bucket(h, 420)).isEqualTo(1);
        assertThat(bucket(h, 600)).isEqualTo(1);
        assertThat(bucket(h, Double.POSITIVE_INFINITY)).isEqualTo(1);
        assertThat(bounds(h)).isEqualTo(list(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5,
                7.5, 10, 15, 20, 30, 45, 60, 90, 120, 180, 240, 300, 420, 600));
    }

    @Test
    void customLatencyBuckets() {
        PrometheusRegistry r = new PrometheusRegistry();
        LlmMetrics m = LlmMetrics.builder().latencyBuckets(1, 10).register(r);
        m.record(ok("a").durationSeconds(5).upstreamSeconds(20).build());
        HistogramDataPointSnapshot lat = point(find(r, "llm_request_latency_seconds"),
                HistogramDataPointSnapshot.class, "model_name", "a");
        assertThat(bounds(lat)).isEqualTo(list(1, 10));
        assertThat(bucket(lat, 10)).isEqualTo(1);
        HistogramDataPointSnapshot up = point(find(r, "llm_upstream_latency_seconds"),
                HistogramDataPointSnapshot.class, "model_name", "a");
        assertThat(bounds(up)).isEqualTo(list(1, 10));
        assertThat(bucket(up, Double.POSITIVE_INFINITY)).isEqualTo(1);
    }

    @Test
    void failuresAreObservedInLatencyButNotInResponseLength() {
        metrics.record(ok("a").durationSeconds(0.2).responseChars(10).build());
        metrics.record(failed("a", ErrorType.TIMEOUT).durationSeconds(30).build());

        HistogramDataPointSnapshot lat = histogram("llm_request_latency_seconds", "model_name", "a");
        assertThat(lat.getCount()).isEqualTo(2);
        assertThat(lat.getSum()).isCloseTo(30.2, within(1e-9));
        assertThat(bucket(lat, 30)).isEqualTo(1);
        assertThat(histogram("llm_response_length_characters", "model_name", "a").getCount()).isEqualTo(1);
    }

    @Test
    void responseLengthBucketsAreExactlyTheSourceDocumentOnes() {
        for (long chars : new long[] {0, 50, 51, 150, 1000, 5000}) {
            metrics.record(ok("a").responseChars(chars).build());
        }
        HistogramDataPointSnapshot h = histogram("llm_response_length_characters", "model_name", "a");
        assertThat(bounds(h)).isEqualTo(list(0, 50, 100, 200, 500, 1000));
        assertThat(h.getCount()).isEqualTo(6);
        assertThat(h.getSum()).isEqualTo(0 + 50 + 51 + 150 + 1000 + 5000);
        assertThat(bucket(h, 0)).isEqualTo(1);
        assertThat(bucket(h, 50)).isEqualTo(1);
        assertThat(bucket(h, 100)).isEqualTo(1);
        assertThat(bucket(h, 200)).isEqualTo(1);
        assertThat(bucket(h, 500)).isZero();
        assertThat(bucket(h, 1000)).isEqualTo(1);
        assertThat(bucket(h, Double.POSITIVE_INFINITY)).isEqualTo(1);
    }

    @Test
    void errorsByTypeSumToFailures() {
        int n = 0;
        for (ErrorType t : ErrorType.values()) {
            for (int i = 0; i <= t.ordinal(); i++) {
                metrics.record(failed("a", t).build());
                n++;
            }
        }
        metrics.record(ok("a").build());

        double sum = 0;
        for (ErrorType t : ErrorType.values()) {
            double v = counter("llm_errors_total", "model_name", "a", "error_type", t.label());
            assertThat(v).as("errors of type %s", t).isEqualTo(t.ordinal() + 1);
            sum += v;
        }
        assertThat(sum).isEqualTo(n).isEqualTo(counter("llm_requests_total", "model_name", "a", "status", "failure"));
        assertThat(labelValues("llm_errors_total", "error_type")).containsExactlyInAnyOrder(
                "timeout", "connection", "rate_limited", "upstream_4xx", "upstream_5xx", "client_disconnect",
                "invalid_request", "model_error", "bad_response", "_OTHER");
    }

    @Test
    void unpricedCallsAreCountedAndNeverGivenACost() {
        metrics.record(ok("no-price").tokens(100, 100).build());
        metrics.record(failed("no-price", ErrorType.TIMEOUT).build());

        assertThat(counter("llm_unpriced_requests_total", "model_name", "no-price")).isEqualTo(2);
        assertThat(hasSeries("llm_cost_usd_total", "model_name", "no-price")).isFalse();
        assertThat(hasSeries("llm_query_cost_usd", "model_name", "no-price")).isFalse();
        // a cost gauge reading 0 would claim the calls were free: the model must have no cost gauge at all
        assertThat(hasSeries("llm_cost_per_query_usd", "model_name", "no-price")).isFalse();
    }

    @Test
    void costTotalAndMovingAverage() {
        double[] costs = {0.01, 0.02, 0.005, 0.1, 0.0, 0.03};
        double expected = Double.NaN;
        double total = 0;
        for (double c : costs) {
            metrics.record(ok("priced").costUsd(c).build());
            metrics.record(ok("priced").build()); // unpriced calls do not move the average
            expected = Double.isNaN(expected) ? c : expected + ALPHA * (c - expected);
            total += c;
        }
        assertThat(expected).isNotCloseTo(total / costs.length, within(1e-6)); // not just a plain mean

        assertThat(counter("llm_cost_usd_total", "model_name", "priced")).isCloseTo(total, within(1e-12));
        assertThat(gauge("llm_cost_per_query_usd", "model_name", "priced")).isCloseTo(expected, within(1e-12));
        assertThat(counter("llm_unpriced_requests_total", "model_name", "priced")).isEqualTo(costs.length);
        HistogramDataPointSnapshot h = histogram("llm_query_cost_usd", "model_name", "priced");
        assertThat(h.getCount()).isEqualTo(costs.length);
        assertThat(h.getSum()).isCloseTo(total, within(1e-12));
        assertThat(bucket(h, 0.1)).isEqualTo(1);
        assertThat(bucket(h, 0.01)).isEqualTo(1);
        assertThat(bucket(h, 0.00001)).isEqualTo(1); // the free call
    }

    @Test
    void firstPricedCallSetsTheAverage() {
        metrics.record(ok("m").costUsd(0.25).build());
        assertThat(gauge("llm_cost_per_query_usd", "model_name", "m")).isEqualTo(0.25);
        metrics.record(ok("m").costUsd(0.0).build());
        assertThat(gauge("llm_cost_per_query_usd", "model_name", "m")).isCloseTo(0.25 - ALPHA * 0.25, within(1e-15));
    }

    @Test
    void costAverageIsPerModel() {
        metrics.record(ok("a").costUsd(1.0).build());
        metrics.record(ok("b").costUsd(3.0).build());
        assertThat(gauge("llm_cost_per_query_usd", "model_name", "a")).isEqualTo(1.0);
        assertThat(gauge("llm_cost_per_query_usd", "model_name", "b")).isEqualTo(3.0);
    }

    @Test
    void timeToFirstTokenAndTimePerOutputToken() {
        // (2.0 - 0.5) / (4 - 1) = 0.5 s per token after the first
        metrics.record(ok("s").streaming(true).tokens(3, 4).durationSeconds(2.0).timeToFirstTokenSeconds(0.5).build());
        // one output token: a first token but no time per output token
        metrics.record(ok("s").streaming(true).tokens(3, 1).durationSeconds(1.0).timeToFirstTokenSeconds(0.9).build());
        // not a stream: neither
        metrics.record(ok("s").tokens(3, 50).durationSeconds(1.0).build());

        HistogramDataPointSnapshot ttft = histogram("llm_time_to_first_token_seconds", "model_name", "s");
        assertThat(ttft.getCount()).isEqualTo(2);
        assertThat(ttft.getSum()).isCloseTo(1.4, within(1e-12));
        assertThat(bucket(ttft, 0.5)).isEqualTo(1);
        assertThat(bucket(ttft, 1.0)).isEqualTo(1);

        HistogramDataPointSnapshot tpot = histogram("llm_time_per_output_token_seconds", "model_name", "s");
        assertThat(tpot.getCount()).isEqualTo(1);
        assertThat(tpot.getSum()).isCloseTo(0.5, within(1e-12));
        assertThat(bucket(tpot, 0.5)).isEqualTo(1);

        HistogramDataPointSnapshot gTpot = histogram("gen_ai_server_time_per_output_token_seconds",
                "gen_ai_operation_name", "chat", "gen_ai_provider_name", "vitals", "gen_ai_request_model", "s");
        assertThat(gTpot.getCount()).isEqualTo(1);
        assertThat(gTpot.getSum()).isCloseTo(0.5, within(1e-12));
        HistogramDataPointSnapshot gTtft = histogram("gen_ai_server_time_to_first_token_seconds",
                "gen_ai_operation_name", "chat", "gen_ai_provider_name", "vitals", "gen_ai_request_model", "s");
        assertThat(gTtft.getCount()).isEqualTo(2);
    }

    @Test
    void timePerOutputTokenFormula() {
        LlmCall c = ok("s").tokens(1, 11).durationSeconds(3.0).timeToFirstTokenSeconds(1.0).build();
        assertThat(LlmMetrics.timePerOutputToken(c)).isCloseTo(0.2, within(1e-15));
        LlmCall one = ok("s").tokens(1, 1).durationSeconds(3.0).timeToFirstTokenSeconds(1.0).build();
        assertThat(LlmMetrics.timePerOutputToken(one)).isNaN();
        LlmCall noTtft = ok("s").tokens(1, 11).durationSeconds(3.0).build();
        assertThat(LlmMetrics.timePerOutputToken(noTtft)).isNaN();
        LlmCall ttftAfterEnd = ok("s").tokens(1, 11).durationSeconds(1.0).timeToFirstTokenSeconds(2.0).build();
        assertThat(LlmMetrics.timePerOutputToken(ttftAfterEnd)).isZero();
    }

    @Test
    void upstreamLatencyAndGatewayOverhead() {
        metrics.record(ok("u").durationSeconds(1.0).upstreamSeconds(0.8).build());
        metrics.record(ok("u").durationSeconds(1.0).upstreamSeconds(1.2).build()); // clock skew: overhead 0
        metrics.record(ok("u").durationSeconds(1.0).build()); // no upstream: neither

        HistogramDataPointSnapshot up = histogram("llm_upstream_latency_seconds", "model_name", "u");
        assertThat(up.getCount()).isEqualTo(2);
        assertThat(up.getSum()).isCloseTo(2.0, within(1e-12));
        HistogramDataPointSnapshot over = histogram("llm_gateway_overhead_seconds", "model_name", "u");
        assertThat(over.getCount()).isEqualTo(2);
        assertThat(over.getSum()).isCloseTo(0.2, within(1e-12));
        assertThat(bucket(over, 0.00001)).isEqualTo(1); // the clamped 0
        assertThat(bucket(over, 0.25)).isEqualTo(1);
    }

    @Test
    void fallbacksAreAttemptsMinusOne() {
        metrics.record(ok("f").attempts(1).build());
        metrics.record(ok("f").attempts(3).build());
        metrics.record(failed("f", ErrorType.CONNECTION).attempts(2).build());
        assertThat(counter("llm_fallbacks_total", "model_name", "f")).isEqualTo(3);
    }

    // ---- GenAI family -------------------------------------------------------------------------

    @Test
    void genAiLabelsAndValues() {
        metrics.record(LlmCall.builder("gpt-4o-mini").provider("openai").operation("chat").success()
                .tokens(12, 80).durationSeconds(0.7).build());
        metrics.record(LlmCall.builder("gpt-4o-mini").provider("openai").operation("chat")
                .failure(ErrorType.TIMEOUT).durationSeconds(90).build());

        HistogramDataPointSnapshot okDuration = histogram("gen_ai_client_operation_duration_seconds",
                "gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai",
                "gen_ai_request_model", "gpt-4o-mini", "error_type", "");
        assertThat(labelNames(okDuration)).containsExactlyInAnyOrder(
                "gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "error_type");
        assertThat(okDuration.getCount()).isEqualTo(1);
        assertThat(bucket(okDuration, 1.28)).isEqualTo(1);

        HistogramDataPointSnapshot failedDuration = histogram("gen_ai_client_operation_duration_seconds",
                "gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai",
                "gen_ai_request_model", "gpt-4o-mini", "error_type", "timeout");
        assertThat(failedDuration.getCount()).isEqualTo(1);
        assertThat(bucket(failedDuration, Double.POSITIVE_INFINITY)).isEqualTo(1);

        HistogramDataPointSnapshot in = histogram("gen_ai_client_token_usage",
                "gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai",
                "gen_ai_request_model", "gpt-4o-mini", "gen_ai_token_type", "input");
        assertThat(labelNames(in)).containsExactlyInAnyOrder(
                "gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_token_type");
        assertThat(in.getCount()).isEqualTo(1); // the failure had no tokens and is not observed
        assertThat(in.getSum()).isEqualTo(12);
        assertThat(bucket(in, 16)).isEqualTo(1);
        HistogramDataPointSnapshot out = histogram("gen_ai_client_token_usage",
                "gen_ai_operation_name", "chat", "gen_ai_provider_name", "openai",
                "gen_ai_request_model", "gpt-4o-mini", "gen_ai_token_type", "output");
        assertThat(out.getCount()).isEqualTo(1);
        assertThat(out.getSum()).isEqualTo(80);
        assertThat(bucket(out, 256)).isEqualTo(1);

        for (String name : List.of("gen_ai_server_time_to_first_token_seconds", "gen_ai_server_time_per_output_token_seconds")) {
            for (DataPointSnapshot dp : snapshot(name).getDataPoints()) {
                assertThat(labelNames(dp)).containsExactlyInAnyOrder(
                        "gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model");
            }
        }
    }

    @Test
    void genAiBucketBoundariesFollowOpenTelemetry() {
        metrics.record(ok("m").tokens(1, 2).streaming(true).timeToFirstTokenSeconds(0.1).build());
        String[] base = {"gen_ai_operation_name", "chat", "gen_ai_provider_name", "vitals", "gen_ai_request_model", "m"};

        String[] tokens = concat(base, "gen_ai_token_type", "input");
        assertThat(bounds(histogram("gen_ai_client_token_usage", tokens))).isEqualTo(list(
                1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864));
        assertThat(bounds(histogram("gen_ai_client_operation_duration_seconds", concat(base, "error_type", ""))))
                .isEqualTo(list(0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92));
        assertThat(bounds(histogram("gen_ai_server_time_to_first_token_seconds", base))).isEqualTo(list(
                0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0));
        assertThat(bounds(histogram("gen_ai_server_time_per_output_token_seconds", base))).isEqualTo(list(
                0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5));
    }

    private static String[] concat(String[] a, String... b) {
        String[] out = new String[a.length + b.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    @Test
    void genAiProvidersPerModelAreCapped() {
        for (int i = 0; i < 20; i++) {
            metrics.record(ok("m").provider("p" + i).build());
        }
        Set<String> providers = labelValues("gen_ai_client_operation_duration_seconds", "gen_ai_provider_name");
        assertThat(providers).hasSize(17).contains(LabelValues.OVERFLOW);
        assertThat(counter("vitals_label_overflow_total", "metric", "llm")).isEqualTo(4);
        assertThat(histogram("gen_ai_client_operation_duration_seconds", "gen_ai_operation_name", "chat",
                "gen_ai_provider_name", LabelValues.OVERFLOW, "gen_ai_request_model", "m", "error_type", "")
                .getCount()).isEqualTo(4);
    }

    // ---- switches -----------------------------------------------------------------------------

    @Test
    void bothFamiliesOnByDefault() {
        Set<String> names = metricNames(registry);
        assertThat(names).contains("llm_requests", "llm_request_latency_seconds", "llm_cost_per_query_usd",
                "gen_ai_client_operation_duration_seconds", "gen_ai_client_token_usage",
                "vitals_recording_errors", "vitals_label_overflow");
    }

    @Test
    void disabledSourceFamilyRegistersNothing() {
        PrometheusRegistry r = new PrometheusRegistry();
        LlmMetrics m = LlmMetrics.builder().sourceFamily(false).register(r);
        m.record(ok("a").tokens(1, 1).costUsd(0.1).build());
        Set<String> names = metricNames(r);
        assertThat(names).noneMatch(n -> n.startsWith("llm_"));
        assertThat(names).contains("gen_ai_client_operation_duration_seconds", "gen_ai_client_token_usage",
                "gen_ai_server_time_to_first_token_seconds", "gen_ai_server_time_per_output_token_seconds");
        assertThat(point(find(r, "vitals_recording_errors_total"), CounterDataPointSnapshot.class).getValue()).isZero();
    }

    @Test
    void disabledGenAiFamilyRegistersNothing() {
        PrometheusRegistry r = new PrometheusRegistry();
        LlmMetrics m = LlmMetrics.builder().genAiFamily(false).register(r);
        m.record(ok("a").tokens(1, 1).costUsd(0.1).build());
        Set<String> names = metricNames(r);
        assertThat(names).noneMatch(n -> n.startsWith("gen_ai"));
        assertThat(names).contains("llm_requests", "llm_request_latency_seconds");
        assertThat(point(find(r, "llm_requests_total"), CounterDataPointSnapshot.class,
                "model_name", "a", "status", "success").getValue()).isEqualTo(1);
        assertThat(point(find(r, "vitals_recording_errors_total"), CounterDataPointSnapshot.class).getValue()).isZero();
    }

    @Test
    void bothFamiliesOffLeavesOnlySelfMetrics() {
        PrometheusRegistry r = new PrometheusRegistry();
        LlmMetrics m = LlmMetrics.builder().sourceFamily(false).genAiFamily(false).register(r);
        m.record(ok("a").build());
        assertThat(metricNames(r)).containsExactlyInAnyOrder("vitals_recording_errors", "vitals_label_overflow", "vitals_label_redactions",
                "vitals_series", "vitals_series_budget", "vitals_series_expired");
        assertThat(point(find(r, "vitals_recording_errors_total"), CounterDataPointSnapshot.class).getValue()).isZero();
    }

    @Test
    void registeringTwiceOnOneRegistryFails() {
        assertThatThrownBy(() -> LlmMetrics.builder().register(registry)).isInstanceOf(RuntimeException.class);
    }

    @Test
    void builderValidation() {
        assertThatThrownBy(() -> LlmMetrics.builder().maxModels(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxModels must be >= 1, got 0");
        assertThatThrownBy(() -> LlmMetrics.builder().latencyBuckets())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("latencyBuckets must not be empty");
        assertThatThrownBy(() -> LlmMetrics.builder().latencyBuckets(1, 1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("latencyBuckets must be finite and strictly increasing, got [1.0, 1.0]");
        assertThatThrownBy(() -> LlmMetrics.builder().latencyBuckets(1, Double.POSITIVE_INFINITY))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("latencyBuckets must be finite and strictly increasing, got [1.0, Infinity]");
    }

    // ---- cardinality --------------------------------------------------------------------------

    @Test
    void modelsBeyondTheCapFoldIntoOverflow() {
        PrometheusRegistry r = new PrometheusRegistry();
        LlmMetrics m = LlmMetrics.builder().maxModels(5).register(r);
        for (int i = 0; i < 1000; i++) {
            m.record(ok("model-" + i).tokens(1, 1).build());
        }
        registry = r;
        Set<String> models = labelValues("llm_requests_total", "model_name");
        assertThat(models).hasSizeLessThanOrEqualTo(6).hasSize(6).contains(LabelValues.OVERFLOW);
        assertThat(counter("vitals_label_overflow_total", "metric", "llm")).isEqualTo(995);
        assertThat(counter("llm_requests_total", "model_name", LabelValues.OVERFLOW, "status", "success")).isEqualTo(995);
        assertThat(counter("llm_input_tokens_total", "model_name", LabelValues.OVERFLOW)).isEqualTo(995);
        double total = snapshot("llm_requests_total").getDataPoints().stream()
                .mapToDouble(d -> ((CounterDataPointSnapshot) d).getValue()).sum();
        assertThat(total).isEqualTo(1000);
        assertThat(labelValues("gen_ai_client_operation_duration_seconds", "gen_ai_request_model"))
                .hasSizeLessThanOrEqualTo(6);
        // models that got a series keep it
        m.record(ok("model-0").build());
        assertThat(counter("llm_requests_total", "model_name", "model-0", "status", "success")).isEqualTo(2);
        assertThat(counter("vitals_label_overflow_total", "metric", "llm")).isEqualTo(995);
    }

    @Test
    void unsafeModelNamesAreSanitized() {
        String raw = "bad\u0000name\uD800" + "x".repeat(200);
        metrics.record(ok(raw).build());
        String expected = "bad_name_" + "x".repeat(119);
        assertThat(expected).hasSize(128);
        assertThat(labelValues("llm_requests_total", "model_name")).containsExactly(expected);
        assertThat(labelValues("gen_ai_client_operation_duration_seconds", "gen_ai_request_model"))
                .containsExactly(expected);
        assertThat(counter("llm_requests_total", "model_name", expected, "status", "success")).isEqualTo(1);
    }

    @Test
    void unsafeProviderAndOperationAreSanitized() {
        metrics.record(ok("m").provider("").operation("chat\n").build());
        assertThat(histogram("gen_ai_client_operation_duration_seconds", "gen_ai_operation_name", "chat_",
                "gen_ai_provider_name", "unknown", "gen_ai_request_model", "m", "error_type", "").getCount())
                .isEqualTo(1);
    }

    @Test
    void namesThatSanitizeToTheSameLabelShareOneSeries() {
        PrometheusRegistry r = new PrometheusRegistry();
        LlmMetrics m = LlmMetrics.builder().maxModels(2).register(r);
        m.record(ok("a\u0001").costUsd(1.0).build());
        m.record(ok("a\u0002").costUsd(0.0).build());
        m.record(ok("b").build());
        registry = r;

        // one label value, one series: it takes one place under the cap, so "b" still gets its own
        assertThat(labelValues("llm_requests_total", "model_name")).containsExactly("a_", "b");
        assertThat(counter("vitals_label_overflow_total", "metric", "llm")).isZero();
        assertThat(counter("llm_requests_total", "model_name", "a_", "status", "success")).isEqualTo(2);
        // and one moving average over both calls
        assertThat(gauge("llm_cost_per_query_usd", "model_name", "a_")).isCloseTo(1.0 - ALPHA, within(1e-15));
    }

    @Test
    void providersThatSanitizeToTheSameLabelTakeOnePlaceUnderTheCap() {
        for (int i = 0; i < 20; i++) {
            metrics.record(ok("m").provider("p" + (char) i).build()); // 20 raw providers, all "p_"
        }
        metrics.record(ok("m").provider("q").build());
        assertThat(labelValues("gen_ai_client_operation_duration_seconds", "gen_ai_provider_name"))
                .containsExactly("p_", "q");
        assertThat(counter("vitals_label_overflow_total", "metric", "llm")).isZero();
    }

    // ---- concurrency --------------------------------------------------------------------------

    @Test
    void concurrentRecordingKeepsExactTotals() throws Exception {
        int threads = 4;
        int perThread = 10_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        String model = "m" + (i % 4);
                        LlmCall c = (i % 10 == 0)
                                ? failed(model, ErrorType.UPSTREAM_5XX).tokens(3, 0).attempts(2).build()
                                : ok(model).tokens(3, 7).cachedInputTokens(1).costUsd(0.5).responseChars(60)
                                        .streaming(true).timeToFirstTokenSeconds(0.1).build();
                        metrics.record(c);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        int total = threads * perThread;
        int failures = total / 10;
        int successes = total - failures;
        double ok = 0, failed = 0, in = 0, out = 0, cached = 0, errors = 0, fallbacks = 0, cost = 0;
        long latencyCount = 0, lengthCount = 0, ttftCount = 0;
        for (int i = 0; i < 4; i++) {
            String model = "m" + i;
            ok += counterOrZero("llm_requests_total", "model_name", model, "status", "success");
            failed += counterOrZero("llm_requests_total", "model_name", model, "status", "failure");
            in += counterOrZero("llm_input_tokens_total", "model_name", model);
            out += counterOrZero("llm_output_tokens_total", "model_name", model);
            cached += counterOrZero("llm_cached_input_tokens_total", "model_name", model);
            errors += counterOrZero("llm_errors_total", "model_name", model, "error_type", "upstream_5xx");
            fallbacks += counterOrZero("llm_fallbacks_total", "model_name", model);
            cost += counterOrZero("llm_cost_usd_total", "model_name", model);
            latencyCount += histogram("llm_request_latency_seconds", "model_name", model).getCount();
            lengthCount += histogram("llm_response_length_characters", "model_name", model).getCount();
            ttftCount += histogram("llm_time_to_first_token_seconds", "model_name", model).getCount();
            assertThat(gauge("llm_cost_per_query_usd", "model_name", model)).isCloseTo(0.5, within(1e-12));
        }
        assertThat(ok).isEqualTo(successes);
        assertThat(failed).isEqualTo(failures);
        assertThat(errors).isEqualTo(failures);
        assertThat(in).isEqualTo(3.0 * total);
        assertThat(out).isEqualTo(7.0 * successes);
        assertThat(cached).isEqualTo(successes);
        assertThat(fallbacks).isEqualTo(failures);
        assertThat(cost).isEqualTo(0.5 * successes);
        assertThat(latencyCount).isEqualTo(total);
        assertThat(lengthCount).isEqualTo(successes);
        assertThat(ttftCount).isEqualTo(successes);
        assertThat(labelValues("llm_requests_total", "model_name")).containsExactly("m0", "m1", "m2", "m3");
        assertThat(counter("vitals_recording_errors_total")).isZero();
        assertThat(counter("vitals_label_overflow_total", "metric", "llm")).isZero();
    }

    @Test
    void concurrentNewModelsNeverExceedTheCap() throws Exception {
        int threads = 4;
        int perThread = 50;
        int max = 3;
        for (int round = 0; round < 30; round++) {
            PrometheusRegistry r = new PrometheusRegistry();
            LlmMetrics m = LlmMetrics.builder().maxModels(max).register(r);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            m.record(ok("t" + id + "-m" + i).build());
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            registry = r;
            assertThat(labelValues("llm_requests_total", "model_name")).as("round %d", round)
                    .hasSize(max + 1).contains(LabelValues.OVERFLOW);
            assertThat(counter("vitals_label_overflow_total", "metric", "llm")).as("round %d", round)
                    .isEqualTo(threads * perThread - max);
        }
    }

    @Test
    void concurrentNewProvidersNeverExceedTheCap() throws Exception {
        int threads = 4;
        int perThread = 10;
        for (int round = 0; round < 30; round++) {
            PrometheusRegistry r = new PrometheusRegistry();
            LlmMetrics m = LlmMetrics.builder().sourceFamily(false).register(r);
            ExecutorService pool = Executors.newFixedThreadPool(threads);
            CountDownLatch start = new CountDownLatch(1);
            try {
                List<Future<?>> futures = new ArrayList<>();
                for (int t = 0; t < threads; t++) {
                    int id = t;
                    futures.add(pool.submit(() -> {
                        start.await();
                        for (int i = 0; i < perThread; i++) {
                            m.record(ok("m").provider("t" + id + "-p" + i).build());
                        }
                        return null;
                    }));
                }
                start.countDown();
                for (Future<?> f : futures) {
                    f.get(60, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            registry = r;
            assertThat(labelValues("gen_ai_client_operation_duration_seconds", "gen_ai_provider_name"))
                    .as("round %d", round).hasSize(17).contains(LabelValues.OVERFLOW);
            assertThat(counter("vitals_label_overflow_total", "metric", "llm")).as("round %d", round)
                    .isEqualTo(threads * perThread - 16);
        }
    }

    // ---- never throws -------------------------------------------------------------------------

    @Test
    void recordingErrorsStartAtZero() {
        assertThat(counter("vitals_recording_errors_total")).isZero();
        assertThat(counter("vitals_label_overflow_total", "metric", "llm")).isZero();
        metrics.record(ok("a").build());
        assertThat(counter("vitals_recording_errors_total")).isZero();
    }

    @Test
    void recordNeverThrowsAndCountsTheFailure() {
        Logger log = Logger.getLogger(LlmMetrics.class.getName());
        Level before = log.getLevel();
        log.setLevel(Level.OFF);
        try {
            assertThatCode(() -> metrics.record(null)).doesNotThrowAnyException();
            assertThatCode(() -> metrics.record(null)).doesNotThrowAnyException();
        } finally {
            log.setLevel(before);
        }
        assertThat(counter("vitals_recording_errors_total")).isEqualTo(2);
        // recording keeps working afterwards
        metrics.record(ok("a").build());
        assertThat(counter("llm_requests_total", "model_name", "a", "status", "success")).isEqualTo(1);
        assertThat(counter("vitals_recording_errors_total")).isEqualTo(2);
    }
}
