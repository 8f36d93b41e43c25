package dev.vitals.server.quality;

import static dev.vitals.server.api.ApiErrors.rejects;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.quality.ScoreKind;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

/** The quality API's bodies parsed without a server: every 400/413 of feedback and evaluations, and what a good body becomes. */
class QualityRequestsTest {

    private static void feedbackRejects(String body, String code, String message) {
        rejects(() -> QualityRequests.feedback(new JsonObject(body)), 400, code, message);
    }

    @Test
    void aFeedbackBodyBecomesIdsAndTypedScores() {
        var f = QualityRequests.feedback(new JsonObject("{\"request_id\":\"r1\",\"feedback_id\":\"f1\","
                + "\"score\":{\"name\":\"helpful\",\"value\":true,\"source\":\"human\"},"
                + "\"scores\":[{\"name\":\"stars\",\"value\":4,\"source\":\"human\"},{\"name\":\"topic\",\"value\":\"billing\",\"source\":\"code\"}]}"));
        assertThat(f.requestId()).isEqualTo("r1");
        assertThat(f.feedbackId()).isEqualTo("f1");
        assertThat(f.scores()).extracting(s -> s.name() + ":" + s.kind())
                .containsExactly("helpful:" + ScoreKind.BOOLEAN, "stars:" + ScoreKind.NUMERIC, "topic:" + ScoreKind.CATEGORICAL);
    }

    @Test
    void everyFeedbackProblemIsA400NamingTheField() {
        String ids = "\"request_id\":\"r\",\"feedback_id\":\"f\",";
        feedbackRejects("{\"x\":1}", "unknown_field", "unknown field 'x'; allowed: request_id, feedback_id, score, scores");
        feedbackRejects("{\"feedback_id\":\"f\"}", "invalid_request_id", "'request_id' must be a string of 1 to 128 characters");
        feedbackRejects("{\"request_id\":\"r\",\"feedback_id\":7}", "invalid_feedback_id",
                "'feedback_id' must be a string of 1 to 128 characters");
        feedbackRejects("{" + ids.substring(0, ids.length() - 1) + "}", "missing_score", "feedback needs 'score' or 'scores'");
        feedbackRejects("{" + ids + "\"scores\":[]}", "invalid_scores", "'scores' must be an array of 1 to 100 scores");
        feedbackRejects("{" + ids + "\"score\":5}", "invalid_score", "score must be an object {\"name\", \"value\", \"source\"}");
        feedbackRejects("{" + ids + "\"score\":{\"name\":\"a\",\"value\":1,\"source\":\"human\",\"y\":1}}", "invalid_score",
                "score: unknown field 'y'; allowed: name, value, source");
        feedbackRejects("{" + ids + "\"score\":{\"name\":\"\",\"value\":1,\"source\":\"human\"}}", "invalid_score",
                "score.name must be a string of 1 to 64 characters");
        feedbackRejects("{" + ids + "\"scores\":[{\"name\":\"a\",\"value\":1,\"source\":\"robot\"}]}", "invalid_score",
                "scores[0].source must be one of human, llm_judge, code");
        feedbackRejects("{" + ids + "\"score\":{\"name\":\"a\",\"value\":\"-Infinity\",\"source\":\"human\"}}", "invalid_score",
                "score.value must be a finite number, a boolean or a category, got '-Infinity'");
        feedbackRejects("{" + ids + "\"score\":{\"name\":\"a\",\"value\":[1],\"source\":\"human\"}}", "invalid_score",
                "score.value must be a number, a boolean or a string of 1 to 64 characters");
    }

    @Test
    void nonFiniteSpellingsOfEveryLanguageAreRecognised() {
        for (String s : new String[] {"NaN", "nan", "inf", "-inf", "+Infinity", " infinity "}) {
            assertThat(QualityRequests.nonFiniteSpelling(s)).as(s).isTrue();
        }
        for (String s : new String[] {"info", "nano", "1e309", "billing"}) {
            assertThat(QualityRequests.nonFiniteSpelling(s)).as(s).isFalse();
        }
    }

    @Test
    void theRecordsArrayIsCheckedForShapeAndSize() {
        rejects(() -> QualityRequests.evaluationRecords(new JsonObject("{\"records\":[]}")), 400, "invalid_records",
                "'records' must be a non-empty array");
        rejects(() -> QualityRequests.evaluationRecords(new JsonObject("{\"records\":[{}],\"x\":1}")), 400, "invalid_records",
                "the body has only the field 'records'");
        JsonArray big = new JsonArray();
        for (int i = 0; i < 10_001; i++) {
            big.add(new JsonObject());
        }
        rejects(() -> QualityRequests.evaluationRecords(new JsonObject().put("records", big)), 413, "batch_too_large",
                "a batch holds at most 10000 records, got 10001");
    }

    private static void recordRejects(String record, String code, String message) {
        rejects(() -> QualityRequests.record(new JsonObject(record), "records[3]"), 400, code, message);
    }

    @Test
    void eachTaskOfRecordParsesAndEveryProblemNamesTheRecord() {
        assertThat(QualityRequests.record(new JsonObject("{\"model\":\"m\",\"predicted\":\"a\",\"actual\":\"b\",\"score\":0.3}"), "r").task())
                .isEqualTo("classification");
        var reg = QualityRequests.record(new JsonObject("{\"model\":\"m\",\"predicted\":1.5,\"actual\":2}"), "r");
        assertThat(reg.task()).isEqualTo("regression");
        assertThat(reg.predictedValue()).isEqualTo(1.5);
        assertThat(reg.actualValue()).isEqualTo(2.0);
        assertThat(reg.time()).isEqualTo(QualityRequests.NO_TIME);
        var llm = QualityRequests.record(new JsonObject("{\"model\":\"m\",\"candidate\":\"c\",\"references\":[\"r\"]}"), "r");
        assertThat(llm.task()).isEqualTo("llm");
        assertThat(llm.references()).containsExactly("r");

        recordRejects("{\"model\":\"m\",\"x\":1}", "invalid_record",
                "records[3]: unknown field 'x'; allowed: [actual, candidate, model, predicted, probabilities, references, score, scores, time]");
        recordRejects("{\"model\":\"\"}", "invalid_record", "records[3].model must be a string of 1 to 256 characters");
        recordRejects("{\"model\":\"m\",\"time\":\"now\"}", "invalid_record", "records[3].time must be epoch milliseconds");
        recordRejects("{\"model\":\"m\",\"time\":1}", "invalid_time",
                "records[3].time is more than 5 minutes in the future or 30 days in the past");
        recordRejects("{\"model\":\"m\",\"scores\":[]}", "invalid_record", "records[3].scores must be an array of 1 to 100 scores");
        recordRejects("{\"model\":\"m\",\"candidate\":\"c\"}", "invalid_record", "records[3].references must be an array of 1 to 16 strings");
        recordRejects("{\"model\":\"m\",\"predicted\":1,\"actual\":2,\"score\":0.5}", "invalid_record",
                "records[3]: a regression record has no score or probabilities");
        recordRejects("{\"model\":\"m\",\"predicted\":\"a\",\"actual\":\"b\",\"score\":0.5,\"probabilities\":{}}", "invalid_record",
                "records[3]: give 'score' or 'probabilities', not both");
        recordRejects("{\"model\":\"m\",\"predicted\":\"a\",\"actual\":\"b\",\"score\":\"high\"}", "invalid_record",
                "records[3].score must be a number in [0, 1]");
        recordRejects("{\"model\":\"m\",\"predicted\":\"a\",\"actual\":\"b\",\"probabilities\":{\"a\":\"x\"}}", "invalid_record",
                "records[3].probabilities.a must be a number");
        recordRejects("{\"model\":\"m\",\"predicted\":\"a\",\"actual\":2}", "invalid_record",
                "records[3] needs predicted and actual (two strings: classification; two numbers: regression), or scores, or candidate and references");
    }

    @Test
    void anEvaluationsBodyBecomesItsRecordsInOrderAndTheFirstBadOneIsReported() {
        var records = QualityRequests.evaluations(new JsonObject("{\"records\":[{\"model\":\"a\",\"predicted\":1,\"actual\":2},"
                + "{\"model\":\"b\",\"predicted\":\"x\",\"actual\":\"y\"},{\"model\":\"c\",\"scores\":[{\"name\":\"s\",\"value\":1,\"source\":\"code\"}]}]}"));
        assertThat(records).extracting(r -> r.model() + ":" + r.task()).containsExactly("a:regression", "b:classification", "c:llm");
        assertThatThrownBy(() -> records.add(records.get(0))).isInstanceOf(UnsupportedOperationException.class);
        assertThatThrownBy(() -> records.get(2).scores().clear()).isInstanceOf(UnsupportedOperationException.class);
        // moved here from the service: a record that is not an object, and the first of two bad records wins
        rejects(() -> QualityRequests.evaluations(new JsonObject("{\"records\":[{\"model\":\"a\",\"predicted\":1,\"actual\":2},\"x\"]}")),
                400, "invalid_record", "records[1] must be an object");
        rejects(() -> QualityRequests.evaluations(new JsonObject("{\"records\":[{\"model\":\"\"},7]}")),
                400, "invalid_record", "records[0].model must be a string of 1 to 256 characters");
        rejects(() -> QualityRequests.evaluations(new JsonObject("{\"records\":{}}")), 400, "invalid_records",
                "'records' must be a non-empty array");
    }

    @Test
    void aFeedbackCarriesItsBodyAsTextAndAResendIsRecognisedAsTheSameJson() {
        var f = QualityRequests.feedback(new JsonObject("{\"request_id\":\"r1\", \"feedback_id\":\"f1\", "
                + "\"score\":{\"name\":\"stars\",\"value\":4,\"source\":\"human\"}}"));
        assertThat(f.body()).isEqualTo("{\"request_id\":\"r1\",\"feedback_id\":\"f1\",\"score\":{\"name\":\"stars\",\"value\":4,\"source\":\"human\"}}");
        // field order and spacing do not matter; a value does
        assertThat(QualityRequests.sameJson("{\"feedback_id\":\"f1\",\"score\":{\"source\":\"human\",\"value\":4,\"name\":\"stars\"},"
                + " \"request_id\":\"r1\"}", f.body())).isTrue();
        assertThat(QualityRequests.sameJson("{\"request_id\":\"r1\",\"feedback_id\":\"f1\",\"score\":{\"name\":\"stars\",\"value\":5,"
                + "\"source\":\"human\"}}", f.body())).isFalse();
        // a stored payload that is not JSON is the same only as the same text
        assertThat(QualityRequests.sameJson("not json", f.body())).isFalse();
        assertThat(QualityRequests.sameJson("not json", "not json")).isTrue();
    }
}
