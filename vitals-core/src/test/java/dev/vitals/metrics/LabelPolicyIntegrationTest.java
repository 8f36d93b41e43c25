package dev.vitals.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.llm.LlmCall;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Every label value LlmMetrics emits passes the label policy: PII is redacted, series are capped, heap stays bounded. */
class LabelPolicyIntegrationTest {

    private static Set<String> modelLabels(PrometheusRegistry r) {
        Set<String> out = new HashSet<>();
        for (MetricSnapshot s : r.scrape()) {
            if (s instanceof CounterSnapshot c && s.getMetadata().getPrometheusName().equals("llm_requests")) {
                c.getDataPoints().forEach(d -> out.add(d.getLabels().get("model_name")));
            }
        }
        return out;
    }

    private static double counter(PrometheusRegistry r, String name, String label, String value) {
        for (MetricSnapshot s : r.scrape()) {
            if (s instanceof CounterSnapshot c && s.getMetadata().getPrometheusName().equals(name)) {
                return c.getDataPoints().stream().filter(d -> value.equals(d.getLabels().get(label)))
                        .mapToDouble(d -> d.getValue()).sum();
            }
        }
        return 0;
    }

    @Test
    void piiInModelNamesIsRedactedAndCounted() {
        PrometheusRegistry r = new PrometheusRegistry();
        LlmMetrics m = LlmMetrics.builder().register(r);
        m.record(LlmCall.builder("jane.doe@example.com").success().durationSeconds(0.1).build());
        m.record(LlmCall.builder("ft:gpt-4o:acct-4111111111111111").success().durationSeconds(0.1).build());
        m.record(LlmCall.builder("model-for-10.1.2.3").success().durationSeconds(0.1).build());
        m.record(LlmCall.builder("claude-sonnet-4-20250514").success().durationSeconds(0.1).build());
        assertThat(modelLabels(r)).containsExactlyInAnyOrder("[email]", "ft:gpt-4o:acct-[card]", "model-for-[ipv4]",
                "claude-sonnet-4-20250514");
        assertThat(counter(r, "vitals_label_redactions", "kind", "email")).isEqualTo(1);
        assertThat(counter(r, "vitals_label_redactions", "kind", "card")).isEqualTo(1);
    }

    @Test
    void aMillionDistinctModelNamesStayAtTheCapWithBoundedHeap() {
        PrometheusRegistry r = new PrometheusRegistry();
        LlmMetrics m = LlmMetrics.builder().maxModels(2000).register(r);
        Runtime rt = Runtime.getRuntime();
        System.gc();
        long before = rt.totalMemory() - rt.freeMemory();
        LlmCall.Builder b = LlmCall.builder("x");
        for (int i = 0; i < 1_000_000; i++) {
            m.record(LlmCall.builder("attack-model-" + Integer.toHexString(i * 7919)).success().tokens(1, 1)
                    .durationSeconds(0.01).build());
        }
        System.gc();
        long after = rt.totalMemory() - rt.freeMemory();
        Set<String> labels = modelLabels(r);
        // the model cap (2,000) and, before it, the registry's global series budget bound the labels
        assertThat(labels).hasSizeLessThanOrEqualTo(2001).contains("__overflow__");
        dev.vitals.labels.MetricFamilies families = dev.vitals.labels.MetricFamilies.of(r);
        assertThat(families.seriesCount()).isLessThanOrEqualTo(families.maxSeries());
        assertThat(counter(r, "vitals_label_overflow", "metric", "llm")).isEqualTo(1_000_000 - 2000);
        // 2,000 models of series plus the raw-name cache: far below what a million would take
        assertThat(after - before).isLessThan(256L * 1024 * 1024);
        assertThat(b).isNotNull();
    }
}
