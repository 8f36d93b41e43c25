package dev.vitals.server;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A scrape of a Prometheus text exposition, as a map from series to value. A series is written
 * without spaces and with its labels sorted by name: {@code llm_requests_total{model_name="m",status="success"}};
 * a series without labels is just its name. Label values keep the exposition's escaping.
 */
public final class PromMetrics {
    private final Map<String, Double> series;
    private final String text;

    private PromMetrics(Map<String, Double> series, String text) {
        this.series = Collections.unmodifiableMap(series);
        this.text = text;
    }

    /** {@code GET http://127.0.0.1:port/metrics}, parsed; fails unless the answer is 200. */
    public static PromMetrics scrape(HttpClient http, int port) {
        try {
            HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics"))
                    .timeout(Duration.ofSeconds(20)).GET().build(), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) {
                throw new AssertionError("GET /metrics answered " + r.statusCode() + ": " + r.body());
            }
            return parse(r.body());
        } catch (IOException e) {
            throw new AssertionError("GET /metrics failed: " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /** Parses the text format: comments and blank lines are skipped; every sample becomes one entry. */
    public static PromMetrics parse(String text) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (String raw : text.split("\n")) {
            String line = raw.strip();
            if (line.isEmpty() || line.startsWith("#")) {
                continue;
            }
            int i = 0;
            while (i < line.length() && line.charAt(i) != '{' && !Character.isWhitespace(line.charAt(i))) {
                i++;
            }
            String name = line.substring(0, i);
            TreeMap<String, String> labels = new TreeMap<>();
            if (i < line.length() && line.charAt(i) == '{') {
                i++;
                while (true) {
                    while (line.charAt(i) == ',' || Character.isWhitespace(line.charAt(i))) {
                        i++;
                    }
                    if (line.charAt(i) == '}') {
                        i++;
                        break;
                    }
                    int eq = line.indexOf('=', i);
                    String label = line.substring(i, eq).strip();
                    i = eq + 1;
                    while (Character.isWhitespace(line.charAt(i))) {
                        i++;
                    }
                    if (line.charAt(i) != '"') {
                        throw new IllegalArgumentException("label value not quoted in: " + line);
                    }
                    int start = ++i;
                    while (line.charAt(i) != '"') {
                        i += line.charAt(i) == '\\' ? 2 : 1;
                    }
                    labels.put(label, line.substring(start, i));
                    i++;
                }
            }
            String[] rest = line.substring(i).strip().split("\\s+");
            String key = key(name, labels);
            if (out.put(key, number(rest[0])) != null) {
                throw new IllegalArgumentException("series appears twice: " + key);
            }
        }
        return new PromMetrics(out, text);
    }

    private static double number(String v) {
        return switch (v) {
            case "+Inf", "Inf" -> Double.POSITIVE_INFINITY;
            case "-Inf" -> Double.NEGATIVE_INFINITY;
            case "NaN" -> Double.NaN;
            default -> Double.parseDouble(v);
        };
    }

    private static String key(String name, Map<String, String> sortedLabels) {
        if (sortedLabels.isEmpty()) {
            return name;
        }
        StringBuilder sb = new StringBuilder(name).append('{');
        boolean first = true;
        for (Map.Entry<String, String> e : sortedLabels.entrySet()) {
            if (!first) {
                sb.append(',');
            }
            first = false;
            sb.append(e.getKey()).append("=\"").append(e.getValue()).append('"');
        }
        return sb.append('}').toString();
    }

    /** The series key of {@code name} with label pairs {@code k1, v1, k2, v2, ...} in any order. */
    public static String series(String name, String... labelPairs) {
        if (labelPairs.length % 2 != 0) {
            throw new IllegalArgumentException("label pairs must come in twos");
        }
        TreeMap<String, String> labels = new TreeMap<>();
        for (int i = 0; i < labelPairs.length; i += 2) {
            labels.put(labelPairs[i], labelPairs[i + 1]);
        }
        return key(name, labels);
    }

    /** All series. */
    public Map<String, Double> all() {
        return series;
    }

    /** The exposition as scraped. */
    public String text() {
        return text;
    }

    /** The value of a series given as written ({@code name{a="b"}}, labels sorted); fails when it is absent. */
    public double get(String seriesKey) {
        Double v = series.get(seriesKey);
        if (v == null) {
            List<String> similar = new ArrayList<>();
            String name = seriesKey.contains("{") ? seriesKey.substring(0, seriesKey.indexOf('{')) : seriesKey;
            series.keySet().stream().filter(k -> k.startsWith(name)).limit(20).forEach(similar::add);
            throw new AssertionError("no series " + seriesKey + "; series of that name: " + similar);
        }
        return v;
    }

    /** The value of {@code name} with these label pairs; fails when it is absent. */
    public double value(String name, String... labelPairs) {
        return get(series(name, labelPairs));
    }

    /** The value, or {@code dflt} when the series is absent. */
    public double valueOr(double dflt, String name, String... labelPairs) {
        return series.getOrDefault(series(name, labelPairs), dflt);
    }

    public boolean has(String name, String... labelPairs) {
        return series.containsKey(series(name, labelPairs));
    }

    /** Sum over all series named exactly {@code name} whose labels include every given pair. */
    public double sum(String name, String... labelPairs) {
        double s = 0;
        for (Map.Entry<String, Double> e : series.entrySet()) {
            String k = e.getKey();
            if (!(k.equals(name) || k.startsWith(name + "{"))) {
                continue;
            }
            boolean match = true;
            for (int i = 0; i < labelPairs.length; i += 2) {
                String pair = labelPairs[i] + "=\"" + labelPairs[i + 1] + "\"";
                if (!k.contains("{" + pair) && !k.contains("," + pair)) {
                    match = false;
                    break;
                }
            }
            if (match) {
                s += e.getValue();
            }
        }
        return s;
    }

    @Override
    public String toString() {
        return text;
    }
}
