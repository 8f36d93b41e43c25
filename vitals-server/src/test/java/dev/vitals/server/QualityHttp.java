package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URLEncoder;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;

/** Helpers of the quality API tests: gateway calls, feedback, reports and /metrics samples over real HTTP. */
final class QualityHttp {
    private QualityHttp() {
    }

    /** Test servers: one event loop, a near-instant simulated model that also serves {@code extraModels}. */
    static void fast(dev.vitals.server.config.VitalsConfig cfg, String... extraModels) {
        cfg.server.instances = 1;
        cfg.system.enabled = false;
        cfg.gpu.enabled = false;
        // these tests check exact reports of what they post: no scores of Vitals' own evaluators or judge
        cfg.evaluators.enabled = false;
        cfg.evaluators.judge.enabled = false;
        var sim = ServerFixture.sim(cfg);
        sim.latencyMin = 0;
        sim.latencyMax = 0.002;
        java.util.List<String> models = new java.util.ArrayList<>(sim.models);
        models.addAll(java.util.List.of(extraModels));
        sim.models = models;
    }

    /** One chat completion through the gateway; returns its {@code x-request-id}. */
    static String chat(ServerFixture f, String model) throws Exception {
        HttpResponse<String> r = f.post("/v1/chat/completions",
                new JsonObject().put("model", model).put("messages", new JsonArray()
                        .add(new JsonObject().put("role", "user").put("content", "rate me"))).encode());
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        String id = r.headers().firstValue("x-request-id").orElseThrow();
        assertThat(id).isNotBlank();
        return id;
    }

    static JsonObject score(String name, Object value, String source) {
        return new JsonObject().put("name", name).put("value", value).put("source", source);
    }

    static JsonObject feedbackBody(String requestId, String feedbackId, JsonObject... scores) {
        JsonArray a = new JsonArray();
        for (JsonObject s : scores) {
            a.add(s);
        }
        return new JsonObject().put("request_id", requestId).put("feedback_id", feedbackId).put("scores", a);
    }

    static HttpResponse<String> feedback(ServerFixture f, JsonObject body) throws Exception {
        return f.post("/v1/feedback", body.encode());
    }

    static HttpResponse<String> evaluations(ServerFixture f, JsonArray records) throws Exception {
        return f.post("/v1/evaluations", new JsonObject().put("records", records).encode());
    }

    static HttpResponse<String> quality(ServerFixture f, String query) throws Exception {
        return f.get("/v1/quality?" + query);
    }

    /** GET /v1/quality?model=M&window=W, which must answer 200. */
    static JsonObject report(ServerFixture f, String model, String window) throws Exception {
        HttpResponse<String> r = quality(f, "model=" + URLEncoder.encode(model, StandardCharsets.UTF_8) + "&window=" + window);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        assertThat(r.headers().firstValue("content-type").orElse("")).startsWith("application/json");
        return new JsonObject(r.body());
    }

    /** The report without the two clock fields, for before/after comparisons. */
    static JsonObject timeless(JsonObject report) {
        JsonObject c = report.copy();
        c.remove("from_millis");
        c.remove("to_millis");
        return c;
    }

    /** The summary of the (name, source) score in a report; fails when absent. */
    static JsonObject summary(JsonObject report, String name, String source) {
        for (Object o : report.getJsonObject("scores").getJsonArray("scores")) {
            JsonObject s = (JsonObject) o;
            if (s.getString("name").equals(name) && s.getString("source").equals(source)) {
                return s;
            }
        }
        throw new AssertionError("no score " + name + "/" + source + " in " + report.getJsonObject("scores").encodePrettily());
    }

    /** The error object of an error answer, after checking the status and the one error shape. */
    static JsonObject error(HttpResponse<String> r, int status) {
        assertThat(r.statusCode()).as(r.body()).isEqualTo(status);
        JsonObject b = new JsonObject(r.body());
        assertThat(b.getString("status")).isEqualTo("error");
        JsonObject e = b.getJsonObject("error");
        assertThat(e.getString("message")).isEqualTo(b.getString("message")).isNotBlank();
        return e;
    }

    /**
     * The value of the sample {@code name} whose labels are exactly {@code kv} (name, value pairs), in
     * whatever order the exposition writes them; {@code null} when there is none.
     */
    static Double sample(PromText m, String name, String... kv) {
        Map<String, String> want = new TreeMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            want.put(kv[i], kv[i + 1]);
        }
        for (Map.Entry<String, Double> e : m.samples.entrySet()) {
            String key = e.getKey();
            int brace = key.indexOf('{');
            String n = brace < 0 ? key : key.substring(0, brace);
            if (n.equals(name) && labels(key).equals(want)) {
                return e.getValue();
            }
        }
        return null;
    }

    /** The quality samples of an exposition ({@code vitals_quality_*}, {@code vitals_feedback_total}), by series. */
    static Map<String, Double> qualitySamples(PromText m) {
        Map<String, Double> out = new LinkedHashMap<>();
        m.samples.forEach((k, v) -> {
            if (k.startsWith("vitals_quality_") || k.startsWith("vitals_feedback_total")) {
                out.put(k, v);
            }
        });
        return out;
    }

    private static Map<String, String> labels(String key) {
        Map<String, String> out = new TreeMap<>();
        int brace = key.indexOf('{');
        if (brace < 0) {
            return out;
        }
        String body = key.substring(brace + 1, key.lastIndexOf('}'));
        int i = 0;
        while (i < body.length()) {
            int eq = body.indexOf('=', i);
            String name = body.substring(i, eq).trim();
            StringBuilder v = new StringBuilder();
            int j = eq + 2; // past ="
            while (body.charAt(j) != '"') {
                char c = body.charAt(j);
                if (c == '\\') {
                    j++;
                    char n = body.charAt(j);
                    v.append(n == 'n' ? '\n' : n);
                } else {
                    v.append(c);
                }
                j++;
            }
            out.put(name, v.toString());
            i = j + 1;
            if (i < body.length() && body.charAt(i) == ',') {
                i++;
            }
        }
        return out;
    }
}
