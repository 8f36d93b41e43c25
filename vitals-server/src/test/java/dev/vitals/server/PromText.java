package dev.vitals.server;

import java.util.LinkedHashMap;
import java.util.Map;

/** The samples of a Prometheus text exposition: {@code name{labels}} exactly as written, to value. */
final class PromText {
    final Map<String, Double> samples = new LinkedHashMap<>();
    final Map<String, String> types = new LinkedHashMap<>();
    final String raw;

    private PromText(String raw) {
        this.raw = raw;
    }

    static PromText parse(String text) {
        PromText p = new PromText(text);
        for (String line : text.split("\n")) {
            if (line.startsWith("# TYPE ")) {
                String[] parts = line.split(" ");
                p.types.put(parts[2], parts[3]);
            } else if (!line.isBlank() && !line.startsWith("#")) {
                int sp = line.lastIndexOf(' ');
                String key = line.substring(0, sp);
                // OpenMetrics exemplars / timestamps are not used in the text format we parse
                p.samples.put(key, Double.parseDouble(line.substring(sp + 1)));
            }
        }
        return p;
    }

    /** The value of a sample, 0 when absent (Prometheus semantics for counters not yet created). */
    double get(String series) {
        return samples.getOrDefault(series, 0.0);
    }

    boolean has(String series) {
        return samples.containsKey(series);
    }
}
