package dev.vitals.server.drift;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.vitals.drift.FeatureType;
import dev.vitals.server.api.ApiErrors;
import dev.vitals.server.api.ApiException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The features body parsed without a server: every 400/413 message, and the types a good batch declares. */
class DriftRequestsTest {

    private static void rejects(String body, int status, String code, String message) {
        ApiErrors.rejects(() -> DriftRequests.features(new JsonObject(body), (m, k) -> k.equals("age") ? FeatureType.NUMERIC : null),
                status, code, message);
    }

    @Test
    void aBatchDeclaresEachFeaturesTypeFromItsFirstValue() {
        var b = DriftRequests.features(new JsonObject("{\"model\":\"m\",\"records\":[{\"age\":3,\"plan\":\"pro\",\"x\":null},"
                + "{\"age\":4.5,\"plan\":true}]}"), (m, k) -> null);
        assertThat(b.model()).isEqualTo("m");
        assertThat(b.rows()).hasSize(2);
        assertThat(b.types()).containsExactly(java.util.Map.entry("age", FeatureType.NUMERIC), java.util.Map.entry("plan", FeatureType.CATEGORICAL));
        // typed rows in the order sent: numbers as doubles, a boolean as its text, nulls kept
        assertThat(b.rows().get(0)).containsExactly(java.util.Map.entry("age", 3.0), java.util.Map.entry("plan", "pro"),
                new java.util.AbstractMap.SimpleEntry<>("x", null));
        assertThat(b.rows().get(1)).containsExactly(java.util.Map.entry("age", 4.5), java.util.Map.entry("plan", "true"));
        assertThatThrownBy(() -> b.rows().get(0).put("age", 1.0)).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void theKnownTypesAreCheckedAgainWithTheSameMessage() {
        var b = DriftRequests.features(new JsonObject("{\"model\":\"m\",\"records\":[{\"x\":null},{\"age\":\"old\",\"x\":2}]}"),
                (m, k) -> null);
        DriftRequests.checkTypes(b, k -> k.equals("x") ? FeatureType.NUMERIC : null); // a null value has no type to refuse
        ApiErrors.rejects(() -> DriftRequests.checkTypes(b, k -> k.equals("age") ? FeatureType.NUMERIC : null),
                400, "wrong_feature_type", "records[1].age is categorical but the feature is numeric");
    }

    @Test
    void theKnownTypeComesForTheBatchsModel() {
        assertThatThrownBy(() -> DriftRequests.features(new JsonObject("{\"model\":\"a\",\"records\":[{\"age\":\"old\"}]}"),
                (m, k) -> m.equals("a") ? FeatureType.NUMERIC : null)).isInstanceOf(ApiException.class);
        assertThat(DriftRequests.features(new JsonObject("{\"model\":\"b\",\"records\":[{\"age\":\"old\"}]}"),
                (m, k) -> m.equals("a") ? FeatureType.NUMERIC : null).types()).containsEntry("age", FeatureType.CATEGORICAL);
    }

    @Test
    void everyProblemIsNamedAndNothingIsApplied() {
        rejects("{\"records\":[{}]}", 400, "invalid_model", "'model' must be a string of 1 to 256 characters");
        rejects("{\"model\":\"m\",\"records\":[]}", 400, "invalid_records", "'records' must be a non-empty array of objects");
        rejects("{\"model\":\"m\",\"records\":[{\"a\":1}],\"x\":1}", 400, "invalid_body", "the body has only the fields 'model' and 'records'");
        rejects("{\"model\":\"m\",\"records\":[{\"a\":1},7]}", 400, "invalid_record", "records[1] must be a non-empty object of feature to value");
        rejects("{\"model\":\"m\",\"records\":[{\"\":1}]}", 400, "invalid_feature", "records[0]: feature names have 1 to 64 characters");
        rejects("{\"model\":\"m\",\"records\":[{\"a\":[1]}]}", 400, "invalid_value", "records[0].a must be a number, a string, a boolean or null");
        // 1e400 reads as Infinity: refused, so a journaled batch replays to what was applied live (no "Infinity" text)
        for (String v : new String[] {"1e400", "-1e400"}) {
            rejects("{\"model\":\"m\",\"records\":[{\"a\":1},{\"a\":" + v + "}]}", 400, "invalid_value", "records[1].a must be a finite number");
        }
        rejects("{\"model\":\"m\",\"records\":[{\"a\":1},{\"a\":\"x\"}]}", 400, "wrong_feature_type",
                "records[1].a is categorical but the feature is numeric");
        // against the type known from earlier batches
        rejects("{\"model\":\"m\",\"records\":[{\"age\":\"old\"}]}", 400, "wrong_feature_type",
                "records[0].age is categorical but the feature is numeric");
        JsonArray big = new JsonArray();
        for (int i = 0; i < 10_001; i++) {
            big.add(new JsonObject().put("a", 1));
        }
        assertThatThrownBy(() -> DriftRequests.features(new JsonObject().put("model", "m").put("records", big), (m, k) -> null))
                .isInstanceOfSatisfying(ApiException.class, e -> assertThat(e.status()).isEqualTo(413));
    }

    @Test
    void aBatchBuiltByHandHoldsOnlyValuesOfItsDeclaredTypes() {
        Map<String, Object> row = new java.util.HashMap<>();
        row.put("age", 3.0);
        row.put("city", null);
        assertThat(new FeatureBatch("m", List.of(row), Map.of("age", FeatureType.NUMERIC)).size()).isEqualTo(1);
        assertThatThrownBy(() -> new FeatureBatch("m", List.of(Map.of("age", 3)), Map.of("age", FeatureType.NUMERIC)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("feature 'age': Integer value 3 does not fit its declared type NUMERIC");
        assertThatThrownBy(() -> new FeatureBatch("m", List.of(Map.of("age", "old")), Map.of("age", FeatureType.NUMERIC)))
                .isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> new FeatureBatch("m", List.of(Map.of("age", Double.NaN)), Map.of("age", FeatureType.NUMERIC)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
