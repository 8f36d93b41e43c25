package dev.vitals.spring;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The {@code vitals.*} properties of the starter, bound once at start and immutable. Every value is checked
 * when the application starts; a wrong one stops it with a message naming the property.
 *
 * @param enabled Whether Vitals registers anything at all.
 * @param metrics The LLM metric families.
 * @param labels The label policy every label value passes.
 * @param pricing Prices of models, for llm_cost_usd_total.
 * @param springAi Spring AI chat observations.
 * @param system Host, process and GPU metrics (needs dev.vitals:vitals-system on the class path).
 * @param business Business metrics: unique users and sessions, conversions, time to value.
 * @param quality Quality metrics (vitals_quality_*): accuracy, F1, RMSE, score means, ... of what the application records.
 */
@ConfigurationProperties(prefix = "vitals")
public record VitalsProperties(@DefaultValue("true") boolean enabled, @DefaultValue Metrics metrics, @DefaultValue Labels labels,
                               @DefaultValue Pricing pricing, @DefaultValue SpringAi springAi, @DefaultValue System system,
                               @DefaultValue Business business, @DefaultValue Quality quality) {

    /**
     * The LLM metric families.
     *
     * @param sourceFamily The source document's llm_* family (llm_requests_total, llm_request_latency_seconds, ...).
     * @param genAiFamily The OpenTelemetry GenAI family (gen_ai_client_operation_duration_seconds, ...).
     * @param maxModels Distinct model names with their own series; later ones fold into model_name="__overflow__".
     */
    public record Metrics(@DefaultValue("true") boolean sourceFamily, @DefaultValue("true") boolean genAiFamily,
                          @DefaultValue("1000") int maxModels) {
    }

    /**
     * The label policy every label value passes.
     *
     * @param redactPii Replace personal data (e-mails, phone numbers, card numbers, ...) in label values by a placeholder.
     */
    public record Labels(@DefaultValue("true") boolean redactPii) {
    }

    /**
     * Prices of models, for llm_cost_usd_total.
     *
     * @param file A prices.json whose entries override the built-in catalog's; unset: the built-in catalog only.
     */
    public record Pricing(Path file) {
    }

    /**
     * Spring AI chat observations.
     *
     * @param enabled Record Spring AI chat model calls (needs Spring AI and Micrometer observations on the class path).
     */
    public record SpringAi(@DefaultValue("true") boolean enabled) {
    }

    /**
     * Host, process and GPU metrics (needs dev.vitals:vitals-system on the class path).
     *
     * @param enabled Register vitals_system_* and vitals_gpu_* (off: Spring Boot already has process and JVM metrics).
     * @param interval How often the host is sampled.
     */
    public record System(@DefaultValue("false") boolean enabled, @DefaultValue("15s") Duration interval) {
    }

    /**
     * Business metrics: unique users and sessions, conversions, time to value.
     *
     * @param enabled Register a BusinessMetrics bean; the application feeds it requests and events.
     */
    public record Business(@DefaultValue("false") boolean enabled) {
    }

    /**
     * Quality metrics (vitals_quality_*): accuracy, F1, RMSE, score means, ... of what the application records.
     *
     * @param enabled Register a QualityTracker bean and export its windows; the application records predictions and scores into it.
     * @param windows The sliding windows, each exported with its own window label (5m, 1h, ...).
     */
    public record Quality(@DefaultValue("false") boolean enabled, @DefaultValue({"5m", "1h"}) List<Duration> windows) {
    }
}
