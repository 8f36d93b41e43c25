package dev.vitals.bench;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * One {@code /metrics} scrape of a registry with 10,000 series (8,000 counter series and 100 histograms
 * of 20 bucket series), written in the Prometheus text format to a sink that counts bytes.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class ScrapeBenchmark {
    PrometheusRegistry registry;
    ExpositionFormats formats;

    @Setup
    public void setup() {
        registry = new PrometheusRegistry();
        Counter c = Counter.builder().name("bench_requests_total").labelNames("model_name", "status").register(registry);
        for (int i = 0; i < 4000; i++) {
            c.labelValues("model-" + i, "success").inc(i);
            c.labelValues("model-" + i, "failure").inc();
        }
        Histogram h = Histogram.builder().name("bench_latency_seconds").classicOnly()
                .classicUpperBounds(0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15, 20, 30, 45, 60, 90, 120)
                .labelNames("model_name").register(registry);
        for (int i = 0; i < 100; i++) {
            h.labelValues("model-" + i).observe(i / 10.0);
        }
        formats = ExpositionFormats.init();
    }

    @Benchmark
    public long scrapeAndWriteText() throws IOException {
        CountingSink sink = new CountingSink();
        formats.getPrometheusTextFormatWriter().write(sink, registry.scrape());
        return sink.bytes;
    }

    static final class CountingSink extends OutputStream {
        long bytes;

        @Override
        public void write(int b) {
            bytes++;
        }

        @Override
        public void write(byte[] b, int off, int len) {
            bytes += len;
        }
    }
}
