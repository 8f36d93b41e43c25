package dev.vitals.server.metrics;

import dev.vitals.labels.Family;
import dev.vitals.labels.LabelPolicy;
import dev.vitals.labels.MetricFamilies;
import dev.vitals.llm.LlmCall;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.function.Function;

/**
 * Client-chosen dimensions, as Bifrost's users ask for, without the cardinality and PII bugs:
 * only the keys in {@code metrics.customLabels} are read (from {@code x-vitals-label-<key>} headers),
 * every value passes the {@link LabelPolicy} (PII redacted, length capped) and each metric admits at
 * most {@code metrics.maxSeriesPerMetric} label sets, later ones folding into {@code __overflow__}
 * (counted in {@code vitals_label_overflow_total{metric}}). The source document's metrics keep their
 * contract labels; this family carries the custom ones:
 * {@code llm_requests_by_label_total{model_name,status,<keys>}},
 * {@code llm_tokens_by_label_total{model_name,token_type,<keys>}} and
 * {@code llm_cost_usd_by_label_total{model_name,<keys>}}.
 */
public final class CustomLabels {
    static final String HEADER_PREFIX = "x-vitals-label-";
    private final List<String> keys;
    private final Family<CounterDataPoint> requests;
    private final Family<CounterDataPoint> tokens;
    private final Family<CounterDataPoint> cost;

    public CustomLabels(List<String> keys, int maxSeries, PrometheusRegistry registry) {
        this.keys = List.copyOf(keys);
        // validates the keys as label names (ConfigLoader reports the same check with the key's path)
        LabelPolicy.builder().allowedKeys(keys.toArray(new String[0])).maxSeriesPerMetric(maxSeries).build();
        if (keys.isEmpty()) {
            requests = tokens = cost = null;
            return;
        }
        MetricFamilies families = MetricFamilies.of(registry);
        requests = families.counter(Counter.builder().name("llm_requests_by_label_total")
                .help("LLM calls by model, status and the configured custom labels (metrics.customLabels).")
                .labelNames(names("model_name", "status")), maxSeries);
        tokens = families.counter(Counter.builder().name("llm_tokens_by_label_total")
                .help("Tokens by model, token type (input, output) and the configured custom labels.")
                .labelNames(names("model_name", "token_type")), maxSeries);
        cost = families.counter(Counter.builder().name("llm_cost_usd_by_label_total")
                .help("USD of priced calls by model and the configured custom labels.")
                .labelNames(names("model_name")), maxSeries);
    }

    private String[] names(String... first) {
        List<String> n = new ArrayList<>(List.of(first));
        n.addAll(keys);
        return n.toArray(new String[0]);
    }

    public boolean enabled() {
        return !keys.isEmpty();
    }

    /** The configured keys' values from a request's headers ({@code null} when absent), in key order. */
    public String[] read(Function<String, String> header) {
        String[] v = new String[keys.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = header.apply(HEADER_PREFIX + keys.get(i).toLowerCase(Locale.ROOT));
        }
        return v;
    }

    /** Records a finished call under its custom labels; never throws. */
    public void record(LlmCall c, String[] values) {
        if (requests == null) {
            return;
        }
        try {
            String[] v = values; // a header that was not sent becomes "unknown" through the policy
            requests.labels(with(v, c.model(), c.success() ? "success" : "failure")).inc();
            if (c.inputTokens() > 0) {
                tokens.labels(with(v, c.model(), "input")).inc(c.inputTokens());
            }
            if (c.outputTokens() > 0) {
                tokens.labels(with(v, c.model(), "output")).inc(c.outputTokens());
            }
            if (c.priced() && c.costUsd() > 0) {
                cost.labels(with(v, c.model())).inc(c.costUsd());
            }
        } catch (RuntimeException e) {
            // an observer: never fail the request
        }
    }

    private static String[] with(String[] values, String... first) {
        String[] out = new String[first.length + values.length];
        System.arraycopy(first, 0, out, 0, first.length);
        System.arraycopy(values, 0, out, first.length, values.length);
        return out;
    }
}
