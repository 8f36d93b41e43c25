package dev.vitals.server;

import static dev.vitals.server.QualityHttp.chat;
import static dev.vitals.server.QualityHttp.error;
import static dev.vitals.server.QualityHttp.feedback;
import static dev.vitals.server.QualityHttp.feedbackBody;
import static dev.vitals.server.QualityHttp.quality;
import static dev.vitals.server.QualityHttp.report;
import static dev.vitals.server.QualityHttp.score;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The dashboard's quality history, {@code GET /v1/quality?range=R[&model=M]}. The server takes a
 * point a minute; the test takes them now through {@link VitalsServer#quality()}, with the times it
 * chooses, so the range filter can be checked without waiting.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class QualityHistoryTest {
    private static final String LLM = "mock-llm-v1";
    private static final String REG = "price-reg";

    private static JsonObject history(ServerFixture f, String query) throws Exception {
        HttpResponse<String> r = quality(f, query);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        return new JsonObject(r.body());
    }

    private static JsonObject reg(double predicted, double actual) {
        return new JsonObject().put("model", REG).put("predicted", predicted).put("actual", actual);
    }

    @Test
    void historyHasAPointPerSampleWithinTheRange() throws Exception {
        try (ServerFixture f = ServerFixture.start(QualityHttp::fast)) {
            // nothing sampled yet
            assertThat(history(f, "range=1h")).isEqualTo(new JsonObject().put("timestamps", new JsonArray())
                    .put("series", new JsonObject()).put("model", "*").put("range", "1h"));

            String c1 = chat(f, LLM);
            String c2 = chat(f, LLM);
            assertThat(feedback(f, feedbackBody(c1, "h1", score("helpfulness", 4, "human"),
                    score("hallucination", true, "llm_judge"))).statusCode()).isEqualTo(200);
            long now = System.currentTimeMillis();
            long t1 = now - 2 * 3_600_000L; // inside 6h, outside 1h
            f.server.quality().sampleHistory(t1);

            // a regression model appears, and more feedback arrives
            assertThat(QualityHttp.evaluations(f, new JsonArray().add(reg(11, 10)).add(reg(18, 20)).add(reg(33, 30)))
                    .statusCode()).isEqualTo(200);
            double rmse = report(f, REG, "5m").getJsonObject("regression").getDouble("rmse");
            double r2 = report(f, REG, "5m").getJsonObject("regression").getDouble("r2");
            assertThat(rmse).isCloseTo(Math.sqrt((1 + 4 + 9) / 3.0), within(1e-12));
            long t2 = now - 30 * 60_000L;
            f.server.quality().sampleHistory(t2);
            assertThat(feedback(f, feedbackBody(c2, "h2", score("helpfulness", 2, "human"),
                    score("hallucination", false, "llm_judge"))).statusCode()).isEqualTo(200);
            long t3 = now;
            f.server.quality().sampleHistory(t3);

            // all models over the last hour: two points, series named "model metric"
            JsonObject h = history(f, "range=1h");
            assertThat(h.getString("model")).isEqualTo("*");
            assertThat(h.getString("range")).isEqualTo("1h");
            assertThat(h.getJsonArray("timestamps")).isEqualTo(new JsonArray().add(t2).add(t3));
            JsonObject s = h.getJsonObject("series");
            assertThat(s.fieldNames()).containsExactlyInAnyOrder(LLM + " hallucination_rate", LLM + " helpfulness (human)",
                    REG + " rmse", REG + " r2");
            assertThat(s.getJsonArray(LLM + " helpfulness (human)")).isEqualTo(new JsonArray().add(4.0).add(3.0));
            assertThat(s.getJsonArray(LLM + " hallucination_rate")).isEqualTo(new JsonArray().add(1.0).add(0.5));
            assertThat(s.getJsonArray(REG + " rmse").getDouble(0)).isCloseTo(rmse, within(1e-12));
            assertThat(s.getJsonArray(REG + " rmse").getDouble(1)).isCloseTo(rmse, within(1e-12));
            assertThat(s.getJsonArray(REG + " r2").getDouble(1)).isCloseTo(r2, within(1e-12));

            // six hours reach the first point, taken before the regression model had data: null there
            h = history(f, "range=6h");
            assertThat(h.getJsonArray("timestamps")).isEqualTo(new JsonArray().add(t1).add(t2).add(t3));
            s = h.getJsonObject("series");
            assertThat(s.getJsonArray(LLM + " helpfulness (human)")).isEqualTo(new JsonArray().add(4.0).add(4.0).add(3.0));
            assertThat(s.getJsonArray(REG + " rmse").getValue(0)).isNull();
            assertThat(s.getJsonArray(REG + " rmse").getDouble(2)).isCloseTo(rmse, within(1e-12));

            // one model: its series without the model prefix
            h = history(f, "range=24h&model=" + REG);
            assertThat(h.getString("model")).isEqualTo(REG);
            assertThat(h.getJsonArray("timestamps").size()).isEqualTo(3);
            assertThat(h.getJsonObject("series").fieldNames()).containsExactlyInAnyOrder("rmse", "r2");
            h = history(f, "range=15m&model=" + LLM);
            assertThat(h.getJsonArray("timestamps")).isEqualTo(new JsonArray().add(t3));
            assertThat(h.getJsonObject("series")).isEqualTo(new JsonObject()
                    .put("hallucination_rate", new JsonArray().add(0.5)).put("helpfulness (human)", new JsonArray().add(3.0)));
            // a model without history: no series, the timestamps still
            h = history(f, "range=1h&model=nobody");
            assertThat(h.getJsonObject("series").isEmpty()).isTrue();
            assertThat(h.getJsonArray("timestamps").size()).isEqualTo(2);

            for (String bad : Arrays.asList("range=2h", "range=", "range=1H")) {
                JsonObject e = error(quality(f, bad), 400);
                assertThat(e.getString("code")).isEqualTo("invalid_range");
                assertThat(e.getString("message")).isEqualTo("'range' must be one of [15m, 1h, 6h, 24h]");
            }
        }
    }
}
