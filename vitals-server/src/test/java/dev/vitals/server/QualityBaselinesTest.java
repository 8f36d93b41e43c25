package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.baseline.SeriesState;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** Every quality metric the server exports for a model is a signal of its baselines. */
class QualityBaselinesTest {
    private static final Pattern GAUGE = Pattern.compile("(?m)^vitals_quality_([a-z0-9_]+)\\{model=\"([^\"]+)\",window=\"5m\"\\} ");
    private static final Pattern SCORE = Pattern.compile(
            "(?m)^vitals_quality_score_mean\\{model=\"([^\"]+)\",name=\"([^\"]+)\",source=\"([^\"]+)\",window=\"5m\"\\} ");

    @Test
    void everyExportedQualityMetricFeedsTheBaselines() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            QualityHttp.fast(cfg);
            cfg.quality.binaryModels.put("fraud", List.of("legit", "fraud"));
        })) {
            JsonArray records = new JsonArray();
            for (int i = 0; i < 20; i++) {
                records.add(new JsonObject().put("model", "fraud").put("actual", i % 3 == 0 ? "fraud" : "legit")
                        .put("predicted", i % 4 == 0 ? "fraud" : "legit").put("score", (i % 10) / 10.0));
                records.add(new JsonObject().put("model", "price").put("actual", 10 + i).put("predicted", 11 + i * 1.1));
                records.add(new JsonObject().put("model", "chat").put("candidate", "the cat sat on the mat " + i)
                        .put("references", new JsonArray().add("the cat sat on a mat " + i))
                        .put("scores", new JsonArray().add(QualityHttp.score("relevance", i % 5, "llm_judge"))
                                .add(QualityHttp.score("relevance", (i % 2) / 2.0, "code"))
                                .add(QualityHttp.score("hallucination", i % 4 == 0, "llm_judge"))
                                .add(QualityHttp.score("safety_flag", i % 7 == 0, "code"))));
            }
            assertThat(QualityHttp.evaluations(f, records).statusCode()).isEqualTo(200);

            String metrics = f.metrics().raw;
            Map<String, Map<String, Double>> headline = f.server.quality().headline();
            List<String> missing = new ArrayList<>();
            int exported = 0;
            Matcher g = GAUGE.matcher(metrics);
            while (g.find()) {
                if (g.group(1).equals("score_mean")) {
                    continue;
                }
                exported++;
                Double v = headline.getOrDefault(g.group(2), Map.of()).get("quality:" + g.group(1));
                if (v == null || !Double.isFinite(v)) {
                    missing.add(g.group(2) + " quality:" + g.group(1));
                }
            }
            Matcher s = SCORE.matcher(metrics);
            while (s.find()) {
                exported++;
                String key = "quality:score:" + s.group(2) + ":" + s.group(3);
                if (!headline.getOrDefault(s.group(1), Map.of()).containsKey(key)) {
                    missing.add(s.group(1) + " " + key);
                }
            }
            assertThat(exported).as("exported quality gauges of the three families").isGreaterThanOrEqualTo(15);
            assertThat(missing).as("exported but not in the baselines' input").isEmpty();

            f.server.baselines().judgeScores(headline);
            for (String key : List.of("quality:f1_macro", "quality:roc_auc", "quality:log_loss")) {
                SeriesState st = f.server.baselines().detector().state("fraud", key);
                assertThat(st).as(key).isNotNull();
                assertThat(st.samples()).isEqualTo(1);
            }
            assertThat(f.server.baselines().detector().state("price", "quality:r2")).isNotNull();
            assertThat(f.server.baselines().detector().state("chat", "quality:safety_flag_rate")).isNotNull();
            // one baseline per score name and source: the judge's 0-4 and a code score's 0-1 never mix
            assertThat(headline.get("chat")).containsEntry("quality:score:relevance:llm_judge", 2.0)
                    .containsEntry("quality:score:relevance:code", 0.25);
            assertThat(f.server.baselines().detector().state("chat", "quality:score:relevance:llm_judge")).isNotNull();
            assertThat(f.server.baselines().detector().state("chat", "quality:score:relevance:code")).isNotNull();
        }
    }
}
