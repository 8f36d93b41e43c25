package dev.vitals.langchain4j;

import io.prometheus.metrics.expositionformats.ExpositionFormats;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

/** The Prometheus text exposition of a registry, and one sample's value read from it. */
public final class Scrape {
    private Scrape() {
    }

    public static String text(PrometheusRegistry registry) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            ExpositionFormats.init().getPrometheusTextFormatWriter().write(out, registry.scrape());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toString(StandardCharsets.UTF_8);
    }

    /**
     * The value of the sample whose name and labels are exactly {@code series} (e.g.
     * {@code llm_requests_total{model_name="m",status="success"}}), or {@code null} when absent.
     */
    public static Double value(String text, String series) {
        for (String line : text.split("\n")) {
            if (line.startsWith(series + " ")) {
                String v = line.substring(series.length() + 1).trim();
                int sp = v.indexOf(' ');
                return Double.parseDouble(sp < 0 ? v : v.substring(0, sp));
            }
        }
        return null;
    }
}
