package dev.vitals.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import org.junit.jupiter.api.Test;

class LabelMetricsTest {

    @Test
    void registersOncePerRegistry() {
        PrometheusRegistry registry = new PrometheusRegistry();
        LabelMetrics a = LabelMetrics.of(registry);
        LabelMetrics b = LabelMetrics.of(registry);
        assertThat(b).isSameAs(a);
        assertThat(LabelMetrics.of(new PrometheusRegistry())).isNotSameAs(a);
        assertThat(registry.scrape().stream().map(s -> s.getMetadata().getPrometheusName()))
                .containsExactlyInAnyOrder("vitals_label_redactions", "vitals_label_overflow");
    }

    @Test
    void policyAndLimitersShareOneOverflowFamily() {
        PrometheusRegistry registry = new PrometheusRegistry();
        LabelPolicy policy = LabelPolicy.builder().maxSeriesPerMetric(1).metrics(LabelMetrics.of(registry)).build();
        SeriesLimiter llm = policy.limiter("llm");
        SeriesLimiter route = policy.limiter("route");
        llm.admit("a");
        llm.admit("b");
        route.admit("x");
        route.admit("y");
        route.admit("z");
        // What LlmMetrics would increment for its own cap: the very same family.
        LabelMetrics.of(registry).overflow("llm").inc();
        policy.clean("jane@example.com");
        MetricSnapshot overflow = registry.scrape().stream()
                .filter(s -> s.getMetadata().getPrometheusName().equals("vitals_label_overflow")).findFirst().orElseThrow();
        assertThat(overflow.getDataPoints()).hasSize(2);
        assertThat(LabelMetrics.of(registry).overflow("llm").get()).isEqualTo(2.0);
        assertThat(LabelMetrics.of(registry).overflow("route").get()).isEqualTo(2.0);
        assertThat(LabelMetrics.of(registry).redactions(PiiDetector.Kind.EMAIL).get()).isEqualTo(1.0);
    }

    @Test
    void everyKindIsExportedFromTheStart() {
        PrometheusRegistry registry = new PrometheusRegistry();
        LabelMetrics.of(registry);
        MetricSnapshot redactions = registry.scrape().stream()
                .filter(s -> s.getMetadata().getPrometheusName().equals("vitals_label_redactions")).findFirst().orElseThrow();
        assertThat(redactions.getDataPoints()).hasSize(PiiDetector.Kind.values().length);
    }

    @Test
    void aClashingRegistrationFailsClearlyAndLeavesNothingBehind() {
        PrometheusRegistry registry = new PrometheusRegistry();
        Counter old = Counter.builder().name("vitals_label_overflow_total").labelNames("metric").register(registry);
        assertThatThrownBy(() -> LabelMetrics.of(registry))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("cannot register vitals_label_redactions_total and vitals_label_overflow_total");
        registry.unregister(old);
        assertThat(LabelMetrics.of(registry)).isNotNull(); // the half-registered redaction counter was undone
    }

    @Test
    void nullRegistryIsRejected() {
        assertThatThrownBy(() -> LabelMetrics.of(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("registry must not be null");
    }
}
