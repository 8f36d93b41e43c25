package dev.vitals.server.quality;

import static dev.vitals.server.api.ApiErrors.rejects;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.quality.GroundTruthRequests.Actual;
import dev.vitals.server.quality.GroundTruthRequests.Label;
import dev.vitals.server.quality.GroundTruthRequests.Prediction;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The bodies of POST /v1/predictions and /v1/actuals parsed without a server: every 400/413, and what a good body becomes. */
class GroundTruthRequestsTest {
    private static final long NOW = 1_800_000_000_000L;
    private static final long DAY = 86_400_000L;
    private static final GroundTruthRequests IN = new GroundTruthRequests(Set.of("fraud"), () -> NOW);
    private static final String GOOD = "{\"model\":\"fraud\",\"id\":\"g\",\"predicted\":\"legit\"}";

    /** The record second in a batch after a good one: the message names records[1]. */
    private static void predictionRejects(String record, String code, String message) {
        rejects(() -> IN.predictions(new JsonObject("{\"records\":[" + GOOD + "," + record + "]}")), 400, code, message);
    }

    private static void actualRejects(String record, String code, String message) {
        rejects(() -> IN.actuals(new JsonObject("{\"records\":[" + record + "]}")), 400, code, message);
    }

    @Test
    void aPredictionsBodyBecomesTypedPredictions() {
        List<Prediction> ps = IN.predictions(new JsonObject("{\"records\":[{\"model\":\"fraud\",\"id\":\"t1\",\"predicted\":\"fraud\","
                + "\"score\":1,\"time\":" + (NOW - DAY) + ",\"features\":{\"amount\":12.5,\"country\":\"FR\",\"x\":null}},"
                + "{\"model\":\"churn\",\"id\":\"u1\",\"predicted\":true,\"probabilities\":{\"true\":0.75,\"false\":0.25}},"
                + "{\"model\":\"price\",\"id\":\"p1\",\"predicted\":12}]}"));
        assertThat(ps).hasSize(3);
        Prediction p = ps.get(0);
        assertThat(p.model()).isEqualTo("fraud");
        assertThat(p.id()).isEqualTo("t1");
        assertThat(p.predicted()).isEqualTo(new Label("fraud"));
        assertThat(p.score()).isEqualTo(1.0);
        assertThat(p.probabilities()).isNull();
        assertThat(p.time()).isEqualTo(NOW - DAY);
        assertThat(p.features()).containsEntry("amount", 12.5).containsEntry("country", "FR").containsEntry("x", null)
                .containsOnlyKeys("amount", "country", "x");
        Prediction q = ps.get(1);
        assertThat(q.predicted().asValue()).as("a boolean is the label 'true'").isEqualTo("true");
        assertThat(q.probabilities().keySet()).as("in the order given").containsExactly("true", "false");
        assertThat(q.score()).isNull();
        assertThat(q.features()).isEmpty();
        assertThat(q.time()).as("no time: now").isEqualTo(NOW);
        assertThat(ps.get(2).predicted().numeric()).isTrue();
        assertThat(ps.get(2).predicted().value()).as("a number as JSON parsed it").isEqualTo(12);
    }

    @Test
    void anActualsBodyBecomesTypedActuals() {
        List<Actual> as = IN.actuals(new JsonObject("{\"records\":[{\"model\":\"fraud\",\"id\":\"t1\",\"actual\":\"fraud\"},"
                + "{\"model\":\"price\",\"id\":\"p1\",\"actual\":12.0},{\"model\":\"churn\",\"id\":\"u1\",\"actual\":false}]}"));
        assertThat(as).containsExactly(new Actual("fraud", "t1", new Label("fraud")), new Actual("price", "p1", new Label(12.0)),
                new Actual("churn", "u1", new Label(false)));
        assertThat(new Label(12.0)).as("1 and 1.0 are different JSON values, as the stored actual compares").isNotEqualTo(new Label(12));
    }

    @Test
    void everyBodyProblemIsA400OrA413() {
        for (java.util.function.Consumer<JsonObject> parse : List.<java.util.function.Consumer<JsonObject>>of(IN::predictions, IN::actuals)) {
            rejects(() -> parse.accept(new JsonObject("{\"records\":[],\"x\":1}")), 400, "unknown_field",
                    "unknown field 'x'; the body is {\"records\": [...]}");
            rejects(() -> parse.accept(new JsonObject("{\"" + "k".repeat(70) + "\":1}")), 400, "unknown_field",
                    "unknown field '" + "k".repeat(64) + "...'; the body is {\"records\": [...]}");
            rejects(() -> parse.accept(new JsonObject("{}")), 400, "invalid_records", "'records' must be a non-empty array");
            rejects(() -> parse.accept(new JsonObject("{\"records\":[]}")), 400, "invalid_records", "'records' must be a non-empty array");
            rejects(() -> parse.accept(new JsonObject("{\"records\":5}")), 400, "invalid_records", "'records' must be a non-empty array");
            rejects(() -> parse.accept(new JsonObject("{\"records\":[5]}")), 400, "invalid_record", "records[0] must be an object");
            JsonArray many = new JsonArray();
            for (int i = 0; i < 10_001; i++) {
                many.add(new JsonObject().put("model", "m").put("id", "m" + i).put("predicted", "a").put("actual", "a"));
            }
            rejects(() -> parse.accept(new JsonObject().put("records", many)), 413, "batch_too_large",
                    "a batch holds at most 10000 records, got 10001");
        }
    }

    @Test
    void everyPredictionProblemIsA400NamingTheRecord() {
        String m = "\"model\":\"fraud\",\"id\":\"x\",";
        predictionRejects("{" + m + "\"predicted\":\"a\",\"extra\":1}", "invalid_record",
                "records[1]: unknown field 'extra'; allowed: [features, id, model, predicted, probabilities, score, time]");
        predictionRejects("{\"id\":\"x\",\"predicted\":\"a\"}", "invalid_record", "records[1].model must be a string of 1 to 256 characters");
        predictionRejects("{\"model\":\" \",\"id\":\"x\",\"predicted\":\"a\"}", "invalid_record",
                "records[1].model must be a string of 1 to 256 characters");
        predictionRejects("{\"model\":\"fraud\",\"id\":\"" + "x".repeat(257) + "\",\"predicted\":\"a\"}", "invalid_record",
                "records[1].id must be a string of 1 to 256 characters");
        predictionRejects("{\"model\":\"fraud\",\"id\":7,\"predicted\":\"a\"}", "invalid_record",
                "records[1].id must be a string of 1 to 256 characters");
        predictionRejects("{" + m.substring(0, m.length() - 1) + "}", "invalid_record", "records[1].predicted is required");
        String label = " must be a label (a string of 1 to 256 characters or a boolean) or a number";
        predictionRejects("{" + m + "\"predicted\":{}}", "invalid_record", "records[1].predicted" + label);
        predictionRejects("{" + m + "\"predicted\":\"\"}", "invalid_record", "records[1].predicted" + label);
        predictionRejects("{" + m + "\"predicted\":null}", "invalid_record", "records[1].predicted" + label);
        predictionRejects("{" + m + "\"predicted\":\"" + "y".repeat(257) + "\"}", "invalid_record", "records[1].predicted" + label);
        rejects(() -> IN.predictions(new JsonObject().put("records", new JsonArray().add(new JsonObject().put("model", "fraud")
                .put("id", "x").put("predicted", Double.NaN)))), 400, "invalid_record", "records[0].predicted must be finite");
        // a number is a regression prediction: accepted with a score, its actual could never join (its pair is refused)
        predictionRejects("{" + m + "\"predicted\":12.5,\"score\":0.5}", "invalid_record",
                "records[1]: a numeric prediction (regression) takes no score or probabilities");
        predictionRejects("{\"model\":\"price\",\"id\":\"x\",\"predicted\":3,\"probabilities\":{\"a\":0.5}}", "invalid_record",
                "records[1]: a numeric prediction (regression) takes no score or probabilities");
        for (String score : List.of("1.5", "-0.1", "\"0.5\"", "null")) {
            predictionRejects("{" + m + "\"predicted\":\"a\",\"score\":" + score + "}", "invalid_record",
                    "records[1].score must be a probability in [0, 1]");
        }
        predictionRejects("{\"model\":\"not-binary\",\"id\":\"x\",\"predicted\":\"a\",\"score\":0.5}", "invalid_record",
                "records[1].score needs the model's two labels in quality.binaryModels.not-binary (which one the score is the probability of)");
        String longModel = "m".repeat(100);
        predictionRejects("{\"model\":\"" + longModel + "\",\"id\":\"x\",\"predicted\":\"a\",\"score\":0.5}", "invalid_record",
                "records[1].score needs the model's two labels in quality.binaryModels." + "m".repeat(64)
                        + "... (which one the score is the probability of)");
        String probs = "records[1].probabilities must be an object of 1 to 1000 class probabilities";
        predictionRejects("{" + m + "\"predicted\":\"a\",\"probabilities\":[0.5]}", "invalid_record", probs);
        predictionRejects("{" + m + "\"predicted\":\"a\",\"probabilities\":{}}", "invalid_record", probs);
        JsonObject tooMany = new JsonObject();
        for (int i = 0; i < 1001; i++) {
            tooMany.put("c" + i, 0.0);
        }
        predictionRejects("{" + m + "\"predicted\":\"a\",\"probabilities\":" + tooMany.encode() + "}", "invalid_record", probs);
        predictionRejects("{" + m + "\"predicted\":\"a\",\"probabilities\":{\"a\":0.5,\"b\":1.5}}", "invalid_record",
                "records[1].probabilities.b must be in [0, 1]");
        predictionRejects("{" + m + "\"predicted\":\"a\",\"probabilities\":{\"a\":\"high\"}}", "invalid_record",
                "records[1].probabilities.a must be in [0, 1]");
        predictionRejects("{" + m + "\"predicted\":\"a\",\"score\":0.5,\"probabilities\":{\"a\":0.5}}", "invalid_record",
                "records[1]: give score (binary) or probabilities, not both");
        predictionRejects("{" + m + "\"predicted\":\"a\",\"features\":[1]}", "invalid_record",
                "records[1].features must be an object of feature to value");
        String time = "records[1].time must be epoch milliseconds, at most 5 minutes ahead and 30 days back";
        for (long t : new long[] {NOW + 300_001, NOW - 30 * DAY - 1}) {
            predictionRejects("{" + m + "\"predicted\":\"a\",\"time\":" + t + "}", "invalid_record", time);
        }
        predictionRejects("{" + m + "\"predicted\":\"a\",\"time\":\"yesterday\"}", "invalid_record", time);
        assertThat(IN.predictions(new JsonObject("{\"records\":[{" + m + "\"predicted\":\"a\",\"time\":" + (NOW + 300_000) + "}]}"))
                .get(0).time()).as("5 minutes ahead is allowed").isEqualTo(NOW + 300_000);
        predictionRejects("{\"model\":\"fraud\",\"id\":\"g\",\"predicted\":\"fraud\"}", "duplicate_record",
                "records[1]: model 'fraud' and id 'g' appear twice in the batch");
    }

    @Test
    void everyActualProblemIsA400NamingTheRecord() {
        actualRejects("{\"model\":\"fraud\",\"id\":\"x\",\"actual\":\"a\",\"predicted\":\"a\"}", "invalid_record",
                "records[0]: unknown field 'predicted'; allowed: [actual, id, model]");
        actualRejects("{\"model\":\"fraud\",\"actual\":\"a\"}", "invalid_record", "records[0].id must be a string of 1 to 256 characters");
        actualRejects("{\"model\":\"fraud\",\"id\":\"x\"}", "invalid_record", "records[0].actual is required");
        actualRejects("{\"model\":\"fraud\",\"id\":\"x\",\"actual\":[]}", "invalid_record",
                "records[0].actual must be a label (a string of 1 to 256 characters or a boolean) or a number");
        actualRejects("{\"model\":\"fraud\",\"id\":\"x\",\"actual\":\"a\"},{\"model\":\"fraud\",\"id\":\"x\",\"actual\":\"a\"}",
                "duplicate_record", "records[1]: model 'fraud' and id 'x' appear twice in the batch");
        // the same id for two models is two actuals (the row id is unambiguous: "a:b" + "c" is not "a" + "b:c")
        assertThat(IN.actuals(new JsonObject("{\"records\":[{\"model\":\"a:b\",\"id\":\"c\",\"actual\":1},"
                + "{\"model\":\"a\",\"id\":\"b:c\",\"actual\":1}]}"))).hasSize(2);
    }

    @Test
    void aModelsNewPredictionsBecomeItsDriftBatch() {
        List<Prediction> ps = IN.predictions(new JsonObject("{\"records\":[{\"model\":\"fraud\",\"id\":\"a\",\"predicted\":\"fraud\","
                + "\"score\":0.5,\"features\":{\"amount\":3,\"prediction\":\"overwritten\"}},"
                + "{\"model\":\"fraud\",\"id\":\"b\",\"predicted\":true,\"features\":{\"nested\":{\"x\":1}}}]}"));
        var batch = GroundTruthRequests.driftFeatures("fraud", ps.subList(0, 1), (m, f) -> null);
        assertThat(batch.rows()).containsExactly(Map.of("amount", 3.0, "prediction", "fraud", "prediction_score", 0.5));
        assertThat(GroundTruthRequests.driftFeatures("fraud", List.of(new Prediction("fraud", "c", new Label(true), null, null, Map.of(), NOW)), (m, f) -> null).rows())
                .containsExactly(Map.of("prediction", "true"));
        rejects(() -> GroundTruthRequests.driftFeatures("fraud", ps, (m, f) -> null), 400, "invalid_value",
                "records[1].nested must be a number, a string, a boolean or null");
        rejects(() -> GroundTruthRequests.driftFeatures("fraud", ps.subList(0, 1),
                (m, f) -> f.equals("amount") ? dev.vitals.drift.FeatureType.CATEGORICAL : null), 400, "wrong_feature_type",
                "records[0].amount is numeric but the feature is categorical");
    }
}
