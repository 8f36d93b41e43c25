package dev.vitals.server.cli;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The demo's closing summary, read back from the server's own APIs: the anomalies it raised since the
 * demo started ({@code /v1/anomalies}), its drift verdict ({@code /v1/drift}) and SLO burn
 * ({@code /v1/dashboard/overview}), and which of the committed Prometheus alerts those would fire.
 */
final class DemoReport {
    /** The gateway's features that the drift phase moves (the earlier phases move the others). */
    static final List<String> PROMPT_FEATURES = List.of("prompt_chars", "prompt_tokens", "message_count", "non_ascii_share");
    private final ServerApi api;
    private final String model;
    private final long startMillis;
    private JsonArray anomalies = new JsonArray();
    private JsonObject drift;
    private JsonObject overview;
    private String problem;

    DemoReport(ServerApi api, String model, long startMillis) {
        this.api = api;
        this.model = model;
        this.startMillis = startMillis;
    }

    /** Polls until every expected anomaly and (with a reference) a drift verdict are there, or {@code seconds} pass. */
    void await(double seconds, boolean expectDrift) throws InterruptedException {
        long deadline = System.nanoTime() + (long) (seconds * 1e9);
        while (true) {
            read();
            boolean anomaliesDone = LoadgenCommand.EXPECTED.values().stream().allMatch(sigs -> sigs.stream().anyMatch(signals()::contains));
            // the spikes already move latency and token features: wait for the drifting prompts themselves
            boolean driftDone = !expectDrift || drifted().stream().anyMatch(PROMPT_FEATURES::contains);
            if (anomaliesDone && driftDone || System.nanoTime() > deadline || problem != null) {
                return;
            }
            Thread.sleep(1_000);
        }
    }

    private void read() {
        try {
            JsonObject a = api.get("/v1/anomalies");
            JsonArray mine = new JsonArray();
            for (String k : List.of("open", "recent")) {
                for (Object o : a.getJsonArray(k, new JsonArray())) {
                    JsonObject x = (JsonObject) o;
                    if (model.equals(x.getString("model")) && x.getLong("start", 0L) >= startMillis) {
                        mine.add(x.copy().put("open", k.equals("open")));
                    }
                }
            }
            anomalies = mine;
            drift = api.get("/v1/drift?model=" + URLEncoder.encode(model, StandardCharsets.UTF_8));
            overview = api.get("/v1/dashboard/overview?model=" + URLEncoder.encode(model, StandardCharsets.UTF_8));
        } catch (ServerApi.ApiError e) {
            problem = e.getMessage();
        }
    }

    /** Signals with an anomaly since the demo started. */
    List<String> signals() {
        Set<String> s = new LinkedHashSet<>();
        for (Object o : anomalies) {
            s.add(((JsonObject) o).getString("signal"));
        }
        return new ArrayList<>(s);
    }

    String driftVerdict() {
        return drift == null ? null : drift.getString("verdict");
    }

    List<String> drifted() {
        List<String> out = new ArrayList<>();
        if (drift != null) {
            for (Object o : drift.getJsonArray("features", new JsonArray())) {
                JsonObject f = (JsonObject) o;
                if (Boolean.TRUE.equals(f.getBoolean("drifted"))) {
                    out.add(f.getString("feature"));
                }
            }
        }
        return out;
    }

    List<String> lines(Map<String, Long> byPhase) {
        List<String> l = new ArrayList<>();
        l.add("");
        l.add("summary, read back from the server:");
        if (problem != null) {
            l.add("  could not read the server's verdicts: " + problem);
            return l;
        }
        l.add("  anomalies raised (GET /v1/anomalies):");
        List<String> seen = signals();
        for (Map.Entry<String, List<String>> e : LoadgenCommand.EXPECTED.entrySet()) {
            List<String> hit = e.getValue().stream().filter(seen::contains).toList();
            l.add(String.format(Locale.ROOT, "    %-14s %s", e.getKey(), hit.isEmpty() ? "none (expected " + String.join(" or ", e.getValue()) + ")"
                    : describe(hit)));
        }
        List<String> other = seen.stream().filter(s -> LoadgenCommand.EXPECTED.values().stream().noneMatch(v -> v.contains(s))).toList();
        if (!other.isEmpty()) {
            l.add("    also          " + describe(other));
        }
        List<String> driftedNow = drifted();
        if (drift == null) {
            l.add("  drift: no answer");
        } else {
            String verdict = drift.getString("verdict");
            l.add(String.format(Locale.ROOT, "  drift (GET /v1/drift): %s%s", verdict,
                    driftedNow.isEmpty() ? "" : "; drifted: " + String.join(", ", driftedNow)));
            if ("no_verdict".equals(verdict)) {
                l.add("    no reference yet: give the demo VITALS_ADMIN_TOKEN (the server's too) so it can freeze one after the warm-up,"
                        + " or POST /admin/drift/reference?model=" + model);
            }
        }
        JsonObject slo = overview == null ? null : overview.getJsonObject("slo");
        l.add("  alerts that would fire (deploy/prometheus/vitals-rules.yml, once their 'for' has passed):");
        for (String s : seen) {
            l.add(String.format(Locale.ROOT, "    VitalsAnomalyDetected{model=\"%s\",signal=\"%s\"} (ticket, after 5m active)", model, s));
        }
        for (String f : driftedNow) {
            l.add(String.format(Locale.ROOT, "    VitalsDriftDetected{model=\"%s\",feature=\"%s\"} (ticket, after 30m)", model, f));
        }
        if (slo != null) {
            JsonObject av = slo.getJsonObject("availability");
            Double burn = av == null ? null : av.getDouble("burn_rate_1h");
            if (burn != null && burn > 14.4) {
                l.add(String.format(Locale.ROOT, "    VitalsAvailabilityBudgetFastBurn{model_name=\"%s\"} (page): the last hour burned the %s%% SLO's budget %.1fx"
                        + " (> 14.4x), if the 5-minute window agrees", model, pct(av.getDouble("objective")), burn));
            }
            l.add(String.format(Locale.ROOT, "  SLO (GET /v1/dashboard/overview): availability %s against %s%%, error budget left %s, burn rate 1h %s",
                    av == null || av.getDouble("actual") == null ? "n/a" : pct(av.getDouble("actual")) + "%", av == null ? "n/a" : pct(av.getDouble("objective")),
                    av == null || av.getDouble("error_budget_left") == null ? "n/a" : pct(av.getDouble("error_budget_left")) + "%",
                    burn == null ? "n/a" : String.format(Locale.ROOT, "%.1fx", burn)));
        }
        l.add("  dashboard: " + api.base().resolve("/ui/?model=" + URLEncoder.encode(model, StandardCharsets.UTF_8) + "&range=15m"));
        return l;
    }

    private String describe(List<String> signals) {
        List<String> parts = new ArrayList<>();
        for (String s : signals) {
            for (Object o : anomalies) {
                JsonObject a = (JsonObject) o;
                if (s.equals(a.getString("signal"))) {
                    Double z = a.getDouble("peak_z");
                    parts.add(String.format(Locale.ROOT, "%s at +%.0f s, peak z %s%s", s, (a.getLong("start") - startMillis) / 1000.0,
                            z == null ? "n/a" : String.format(Locale.ROOT, "%.1f", z), Boolean.TRUE.equals(a.getBoolean("open")) ? " (open)" : ""));
                    break;
                }
            }
        }
        return String.join("; ", parts);
    }

    private static String pct(Double v) {
        return v == null ? "n/a" : String.format(Locale.ROOT, "%.2f", v * 100);
    }
}
