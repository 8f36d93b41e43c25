package dev.vitals.server.http;

import dev.vitals.series.CallSampler;
import dev.vitals.series.SeriesSnapshot;
import dev.vitals.series.Signal;
import dev.vitals.server.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.Supplier;

/**
 * The dashboard's JSON API over the server's own short history ({@link CallSampler}), read by the page at
 * {@code /ui/}: {@code GET /v1/dashboard/series?model=*&range=1h&points=300} (one array per signal, aligned
 * with {@code timestamps}) and {@code GET /v1/dashboard/overview?model=*} (each signal over the last
 * 5 minutes as {@code tiles}, plus {@code requests}, {@code models}, {@code step_ms}, {@code features}: which
 * optional endpoints such as {@code /v1/quality} exist, and the extras of later capabilities such as
 * {@code anomalies_open} and {@code anomalies: [{start, end, signal, model}]}).
 * Missing values are {@code null}; times are epoch milliseconds. Unknown range or points out of
 * [10, 2000]: 400; a model without history: 404.
 */
public final class DashboardHandler {
    /** Selectable ranges. */
    static final Map<String, Long> RANGES = new LinkedHashMap<>();

    static {
        RANGES.put("15m", 15 * 60_000L);
        RANGES.put("1h", 3_600_000L);
        RANGES.put("6h", 6 * 3_600_000L);
        RANGES.put("24h", 24 * 3_600_000L);
    }

    /** Endpoints of later capabilities that the page shows when the server has them: {@code /v1/<name>}. */
    static final java.util.List<String> OPTIONAL_ENDPOINTS = java.util.List.of("quality", "drift");

    private final CallSampler sampler;
    private final Supplier<JsonObject> extras;
    private final Predicate<String> hasRoute;

    private final Data data;

    /** What the dashboard reads beyond the short history: baselines, every known model, SLOs, spend. */
    public interface Data {
        /** The band {low[], high[]} each point was judged against (NaN where none), or null. */
        double[][] band(String model, String signal, long[] timestamps, long bucketMillis);

        /** Every model the server knows: traffic, quality evaluations and feedback, drift features. */
        java.util.Collection<String> models();

        /** The SLO panel of a model, or {@code *}. */
        JsonObject slo(String model);

        /** The model's baselines per signal: {@code {signal: {mean, low, high}}} where warmed up; empty for {@code *}. */
        JsonObject baselines(String model);

        /** Spend per gateway API key: {@code [{name, spent_usd, budget_usd, remaining_usd}]}. */
        JsonArray spendByKey();
    }

    /**
     * @param extras   more overview fields (open anomalies, ...) from later capabilities
     * @param hasRoute whether the server has a route with this exact path: the overview's {@code features}
     *                 tell the page which optional endpoints exist, so it never asks for a missing one
     */
    DashboardHandler(CallSampler sampler, Supplier<JsonObject> extras, Predicate<String> hasRoute, Data data) {
        this.sampler = sampler;
        this.extras = extras;
        this.hasRoute = hasRoute;
        this.data = data;
    }

    /** Every model the page can pick: the short history's and those that only report quality or features. */
    private java.util.List<String> allModels() {
        java.util.TreeSet<String> all = new java.util.TreeSet<>(sampler.models());
        all.addAll(data.models());
        return new java.util.ArrayList<>(all);
    }

    private String model(RoutingContext rc) {
        String m = rc.queryParams().get("model");
        m = m == null || m.isEmpty() ? CallSampler.ALL : m;
        if (!CallSampler.ALL.equals(m) && !sampler.models().contains(m) && !data.models().contains(m)) {
            throw new ApiException(404, "unknown_model", "unknown model '" + cut(m) + "'; known: " + allModels());
        }
        return m;
    }

    private static String cut(String s) {
        return s.length() > 100 ? s.substring(0, 100) : s;
    }

    Future<JsonObject> series(RoutingContext rc) {
        String model = model(rc);
        String range = rc.queryParams().get("range");
        range = range == null ? "1h" : range;
        Long span = RANGES.get(range);
        if (span == null) {
            throw new ApiException("invalid_range", "'range' must be one of " + RANGES.keySet() + ", got '" + cut(range) + "'");
        }
        int points = 300;
        String p = rc.queryParams().get("points");
        if (p != null) {
            try {
                points = Integer.parseInt(p);
            } catch (NumberFormatException e) {
                points = -1;
            }
            if (points < 10 || points > 2000) {
                throw new ApiException("invalid_points", "'points' must be an integer between 10 and 2000");
            }
        }
        long now = System.currentTimeMillis();
        SeriesSnapshot s = sampler.query(model, now - span, now, points);
        if (s == null) {
            // a model known only from quality or drift: no traffic of its own, every signal empty
            s = sampler.query(CallSampler.ALL, now - span, now, points);
            s = new SeriesSnapshot(model, s.stepMillis(), s.timestamps(), nanLike(s.values()), new long[s.timestamps().length]);
        }
        JsonObject series = new JsonObject();
        for (Signal sig : Signal.values()) {
            series.put(sig.key(), array(s.values().get(sig)));
        }
        // the latency baseline's band (mean ± threshold × stddev) as it was when each interval was judged
        double[][] b = CallSampler.ALL.equals(model) ? null : data.band(model, Signal.LATENCY_P95.key(), s.timestamps(), s.stepMillis());
        if (b != null) {
            series.put("latency_p95_baseline_low", array(b[0]));
            series.put("latency_p95_baseline_high", array(b[1]));
        }
        JsonArray ts = new JsonArray();
        JsonArray vol = new JsonArray();
        for (int i = 0; i < s.timestamps().length; i++) {
            ts.add(s.timestamps()[i]);
            vol.add(s.volume()[i]);
        }
        JsonObject units = new JsonObject();
        for (Signal sig : Signal.values()) {
            units.put(sig.key(), sig.unit());
        }
        return Endpoints.now(new JsonObject().put("model", model).put("range", range).put("step_ms", s.stepMillis())
                .put("timestamps", ts).put("volume", vol).put("series", series).put("units", units)
                .put("models", new JsonArray(allModels())));
    }

    Future<JsonObject> overview(RoutingContext rc) {
        String model = model(rc);
        long now = System.currentTimeMillis();
        // the last 5 minutes, so one quiet interval does not blank the tiles
        SeriesSnapshot s = sampler.query(model, now - 5 * 60_000L, now, 1);
        JsonObject tiles = new JsonObject();
        for (Signal sig : Signal.values()) {
            double[] v = s == null ? new double[0] : s.values().get(sig);
            tiles.put(sig.key(), v.length == 0 ? null : number(v[0]));
        }
        JsonObject features = new JsonObject();
        for (String f : OPTIONAL_ENDPOINTS) {
            features.put(f, hasRoute.test("/v1/" + f));
        }
        JsonObject out = new JsonObject().put("model", model).put("window_seconds", 300).put("tiles", tiles)
                .put("requests", s == null || s.volume().length == 0 ? 0 : s.volume()[0])
                .put("models", new JsonArray(allModels()))
                .put("slo", data.slo(model))
                .put("baselines", data.baselines(model))
                .put("spend_by_key", data.spendByKey())
                .put("step_ms", sampler.stepMillis())
                .put("features", features);
        out.mergeIn(extras.get());
        return Endpoints.now(out);
    }

    private static Map<Signal, double[]> nanLike(Map<Signal, double[]> values) {
        Map<Signal, double[]> out = new java.util.EnumMap<>(Signal.class);
        values.forEach((k, v) -> {
            double[] n = new double[v.length];
            java.util.Arrays.fill(n, Double.NaN);
            out.put(k, n);
        });
        return out;
    }

    private static JsonArray array(double[] v) {
        JsonArray a = new JsonArray();
        for (double d : v) {
            a.add(number(d));
        }
        return a;
    }

    private static Object number(double d) {
        return Double.isFinite(d) ? d : null;
    }
}
