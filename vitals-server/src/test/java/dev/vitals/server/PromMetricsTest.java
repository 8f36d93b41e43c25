package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The test helper that reads /metrics: series keys, label order, escapes, special values. */
class PromMetricsTest {
    static final String TEXT = """
            # HELP llm_requests_total Total number of LLM generation requests.
            # TYPE llm_requests_total counter
            llm_requests_total{model_name="gpt-4o-mini",status="failure"} 2.0
            llm_requests_total{status="success", model_name="gpt-4o-mini"} 3.0
            llm_requests_total{model_name="odd \\"quoted\\", name",status="success"} 1.0
            llm_time_to_first_token_seconds_bucket{model_name="m",le="+Inf"} 4
            vitals_recording_errors_total 0.0
            gen_ai_client_operation_duration_seconds_count{error_type="",gen_ai_request_model="m"} 1.5e1
            """;

    @Test
    void keysAreNamePlusSortedLabelsWithoutSpaces() {
        PromMetrics m = PromMetrics.parse(TEXT);

        assertThat(m.get("llm_requests_total{model_name=\"gpt-4o-mini\",status=\"failure\"}")).isEqualTo(2.0);
        assertThat(m.get("llm_requests_total{model_name=\"gpt-4o-mini\",status=\"success\"}")).isEqualTo(3.0);
        assertThat(m.value("llm_requests_total", "status", "success", "model_name", "gpt-4o-mini")).isEqualTo(3.0);
        assertThat(m.value("llm_requests_total", "model_name", "odd \\\"quoted\\\", name", "status", "success")).isEqualTo(1.0);
        assertThat(m.value("llm_time_to_first_token_seconds_bucket", "model_name", "m", "le", "+Inf")).isEqualTo(4.0);
        assertThat(m.get("vitals_recording_errors_total")).isEqualTo(0.0);
        assertThat(m.value("gen_ai_client_operation_duration_seconds_count", "error_type", "", "gen_ai_request_model", "m"))
                .isEqualTo(15.0);
        assertThat(m.all()).hasSize(6);
    }

    @Test
    void sumsFilterByExactLabelValues() {
        PromMetrics m = PromMetrics.parse(TEXT);

        assertThat(m.sum("llm_requests_total")).isEqualTo(6.0);
        assertThat(m.sum("llm_requests_total", "status", "success")).isEqualTo(4.0);
        assertThat(m.sum("llm_requests_total", "model_name", "gpt-4o-mini")).isEqualTo(5.0);
        assertThat(m.sum("llm_requests_total", "model_name", "gpt-4o")).isEqualTo(0.0);
        assertThat(m.sum("llm_requests")).as("names match exactly, not by prefix").isEqualTo(0.0);
    }

    @Test
    void aMissingSeriesFailsWithTheSeriesOfThatName() {
        PromMetrics m = PromMetrics.parse(TEXT);

        assertThat(m.has("llm_requests_total", "model_name", "nope", "status", "success")).isFalse();
        assertThat(m.valueOr(-1, "llm_requests_total", "model_name", "nope", "status", "success")).isEqualTo(-1.0);
        assertThatThrownBy(() -> m.value("llm_requests_total", "model_name", "nope", "status", "success"))
                .isInstanceOf(AssertionError.class).hasMessageContaining("gpt-4o-mini");
    }
}
