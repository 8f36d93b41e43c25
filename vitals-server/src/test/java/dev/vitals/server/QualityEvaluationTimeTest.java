package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;

/** {@code POST /v1/evaluations}: a record lands in the windows of its own {@code time}; one older than every window is late. */
class QualityEvaluationTimeTest {
    static final String MODEL = "reg-timed";

    static JsonObject reg(double actual, double predicted, Long time) {
        JsonObject o = new JsonObject().put("model", MODEL).put("actual", actual).put("predicted", predicted);
        if (time != null) {
            o.put("time", time);
        }
        return o;
    }

    @Test
    void recordsLandInTheWindowOfTheirOwnTimeAndOldOnesAreCountedLate() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> QualityHttp.fast(cfg))) {
            long now = System.currentTimeMillis();
            JsonArray records = new JsonArray()
                    .add(reg(10, 11, null))                          // now: error 1
                    .add(reg(10, 12, now - 60_000L))                 // 1 minute ago: error 2, in every window
                    .add(reg(10, 20, now - 2 * 3_600_000L))          // 2 hours ago: error 10, only in 24h
                    .add(reg(10, 50, now - 25 * 3_600_000L));        // 25 hours ago: older than every window
            HttpResponse<String> r = QualityHttp.evaluations(f, records);

            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            assertThat(new JsonObject(r.body())).isEqualTo(new JsonObject().put("status", "ok").put("applied", 3).put("late", 1));
            JsonObject m5 = QualityHttp.report(f, MODEL, "5m").getJsonObject("regression");
            JsonObject h1 = QualityHttp.report(f, MODEL, "1h").getJsonObject("regression");
            JsonObject d1 = QualityHttp.report(f, MODEL, "24h").getJsonObject("regression");
            assertThat(m5.getLong("count")).isEqualTo(2);
            assertThat(m5.getDouble("mae")).isCloseTo(1.5, within(1e-12));
            assertThat(h1.getLong("count")).isEqualTo(2);
            assertThat(d1.getLong("count")).isEqualTo(3);
            assertThat(d1.getDouble("mae")).isCloseTo((1 + 2 + 10) / 3.0, within(1e-12));
            assertThat(f.metrics().get("vitals_quality_evaluations_late_total")).isEqualTo(1.0);
        }
    }
}
