package dev.vitals.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.expositionformats.PrometheusTextFormatWriter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class MetricFamiliesTest {
    private final PrometheusRegistry registry = new PrometheusRegistry();
    private final AtomicLong clock = new AtomicLong(1_000_000);

    private MetricFamilies families(int maxSeries) {
        return MetricFamilies.configure(registry, MetricFamilies.options().maxSeries(maxSeries)
                .idle(Duration.ofMinutes(10)).clock(clock::get));
    }

    private String scrape() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        PrometheusTextFormatWriter.create().write(out, registry.scrape());
        return out.toString(StandardCharsets.UTF_8);
    }

    @Test
    void everyLabelValueIsCleanedAndPiiCounted() throws IOException {
        Family<CounterDataPoint> c = families(100).counter(Counter.builder().name("t_total").help("t").labelNames("model", "kind"));
        c.labels("john.doe@example.com", "4111 1111 1111 1111").inc();
        c.labels("ok\u0000model", "x".repeat(500)).inc();
        String text = scrape();
        assertThat(text).contains("t_total{kind=\"[card]\",model=\"[email]\"} 1.0")
                .doesNotContain("john.doe").doesNotContain("4111").doesNotContain("\u0000");
        assertThat(text).contains("vitals_label_redactions_total{kind=\"email\"} 1.0");
    }

    @Test
    void seriesAreCreatedOnFirstUseOnly() throws IOException {
        families(100).counter(Counter.builder().name("lazy_total").help("t").labelNames("model"));
        assertThat(scrape()).doesNotContain("lazy_total{");
    }

    @Test
    void familyCapFoldsIntoOverflowAndCountsIt() throws IOException {
        Family<CounterDataPoint> c = families(100).counter(Counter.builder().name("c_total").help("t").labelNames("model"), 3);
        for (int i = 0; i < 10; i++) {
            c.labels("m" + i).inc();
        }
        assertThat(c.seriesCount()).isEqualTo(3);
        String text = scrape();
        assertThat(text).contains("c_total{model=\"__overflow__\"} 7.0")
                .contains("vitals_label_overflow_total{metric=\"c_total\"} 7.0");
    }

    @Test
    void oneGlobalBudgetBoundsAllFamiliesTogether() throws IOException {
        MetricFamilies f = families(5);
        Family<CounterDataPoint> a = f.counter(Counter.builder().name("a_total").help("t").labelNames("x"));
        Family<CounterDataPoint> b = f.counter(Counter.builder().name("b_total").help("t").labelNames("x"));
        for (int i = 0; i < 4; i++) {
            a.labels("v" + i).inc();
            b.labels("v" + i).inc();
        }
        assertThat(f.seriesCount()).isEqualTo(5);
        assertThat(a.seriesCount() + b.seriesCount()).isEqualTo(5);
        assertThat(scrape()).contains("a_total{x=\"__overflow__\"} 1.0").contains("b_total{x=\"__overflow__\"} 2.0").contains("vitals_series 5");
    }

    @Test
    void idleSeriesAreDroppedAndTheirBudgetFreedAndHandlesRevive() throws IOException {
        MetricFamilies f = families(2);
        Family<CounterDataPoint> a = f.counter(Counter.builder().name("a_total").help("t").labelNames("x"));
        Series<CounterDataPoint> kept = a.series("burst0");
        kept.get().inc();
        a.labels("burst1").inc();
        a.labels("late").inc(); // over budget
        assertThat(scrape()).contains("a_total{x=\"__overflow__\"} 1.0");

        clock.addAndGet(Duration.ofMinutes(11).toMillis());
        assertThat(f.expireIdle()).isEqualTo(2);
        assertThat(f.seriesCount()).isZero();
        assertThat(scrape()).doesNotContain("burst").contains("vitals_series_expired_total 2.0");

        a.labels("late").inc(); // admitted now: the burst no longer holds the budget
        kept.get().inc();       // a cached handle re-admits its tuple, starting again at 1
        String text = scrape();
        assertThat(text).contains("a_total{x=\"late\"} 1.0").contains("a_total{x=\"burst0\"} 1.0");
        assertThat(f.seriesCount()).isEqualTo(2);
    }

    @Test
    void aLazyHandleRefusedWhileFullIsAdmittedOnceTheBudgetFrees() throws IOException {
        MetricFamilies f = families(1);
        Family<CounterDataPoint> a = f.counter(Counter.builder().name("a_total").help("t").labelNames("x"));
        a.labels("burst").inc();
        Family.Lazy<CounterDataPoint> later = a.lazy("later");
        later.get().inc(); // full: overflow
        clock.addAndGet(Duration.ofMinutes(11).toMillis());
        f.expireIdle();
        clock.addAndGet(2000);
        later.get().inc();
        assertThat(scrape()).contains("a_total{x=\"later\"} 1.0").contains("a_total{x=\"__overflow__\"} 1.0");
    }

    @Test
    void aHistogramTupleCostsItsExposedSeries() throws IOException {
        MetricFamilies f = families(100);
        Family<io.prometheus.metrics.core.datapoints.DistributionDataPoint> h = f.histogram(
                io.prometheus.metrics.core.metrics.Histogram.builder().name("h_seconds").help("t")
                        .classicOnly().classicUpperBounds(1, 2, 3).labelNames("model"));
        assertThat(scrape()).doesNotContain("probe");
        h.labels("m").observe(1.5);
        assertThat(f.seriesCount()).isEqualTo(6); // buckets 1, 2, 3, +Inf, _count, _sum
    }

    @Test
    void callbackValuesAreCleanedCappedAndBudgeted() throws IOException {
        MetricFamilies f = families(100);
        f.gaugeWithCallback(GaugeWithCallback.builder().name("g").help("t").labelNames("model"), 2, e -> {
            e.call(1, "555-867-5309 user");
            e.call(2, "m2");
            e.call(3, "m3");
        });
        String text = scrape();
        assertThat(text).contains("g{model=\"[phone] user\"} 1.0").contains("g{model=\"m2\"} 2.0")
                .doesNotContain("m3").doesNotContain("867");
        assertThat(f.seriesCount()).isEqualTo(2);
    }

    @Test
    void misuseFailsFast() {
        MetricFamilies f = families(10);
        assertThatThrownBy(() -> MetricFamilies.configure(registry, MetricFamilies.options()))
                .isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> f.counter(Counter.builder().name("z_total").help("t").labelNames("x"), 0))
                .hasMessageContaining("series cap of z_total must be >= 1");
        assertThatThrownBy(() -> MetricFamilies.options().maxSeries(0)).hasMessageContaining("maxSeries must be >= 1");
        assertThatThrownBy(() -> MetricFamilies.options().idle(Duration.ZERO)).hasMessage("idle must be a positive duration, got PT0S");
    }
}
