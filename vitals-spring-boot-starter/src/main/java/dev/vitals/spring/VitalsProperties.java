package dev.vitals.spring;

import java.nio.file.Path;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The {@code vitals.*} properties of the starter. Every value is checked when the application starts;
 * a wrong one stops it with a message naming the property.
 */
@ConfigurationProperties(prefix = "vitals")
public class VitalsProperties {
    /** Whether Vitals registers anything at all. */
    private boolean enabled = true;
    private final Metrics metrics = new Metrics();
    private final Labels labels = new Labels();
    private final Pricing pricing = new Pricing();
    private final SpringAi springAi = new SpringAi();
    private final System system = new System();
    private final Business business = new Business();
    private final Quality quality = new Quality();

    public boolean isEnabled() {
        return enabled;
    }

    public void setEnabled(boolean enabled) {
        this.enabled = enabled;
    }

    public Metrics getMetrics() {
        return metrics;
    }

    public Labels getLabels() {
        return labels;
    }

    public Pricing getPricing() {
        return pricing;
    }

    public SpringAi getSpringAi() {
        return springAi;
    }

    public System getSystem() {
        return system;
    }

    public Business getBusiness() {
        return business;
    }

    public Quality getQuality() {
        return quality;
    }

    /** The LLM metric families. */
    public static class Metrics {
        /** The source document's llm_* family (llm_requests_total, llm_request_latency_seconds, ...). */
        private boolean sourceFamily = true;
        /** The OpenTelemetry GenAI family (gen_ai_client_operation_duration_seconds, ...). */
        private boolean genAiFamily = true;
        /** Distinct model names with their own series; later ones fold into model_name="__overflow__". */
        private int maxModels = 1000;

        public boolean isSourceFamily() {
            return sourceFamily;
        }

        public void setSourceFamily(boolean sourceFamily) {
            this.sourceFamily = sourceFamily;
        }

        public boolean isGenAiFamily() {
            return genAiFamily;
        }

        public void setGenAiFamily(boolean genAiFamily) {
            this.genAiFamily = genAiFamily;
        }

        public int getMaxModels() {
            return maxModels;
        }

        public void setMaxModels(int maxModels) {
            this.maxModels = maxModels;
        }
    }

    /** The label policy every label value passes. */
    public static class Labels {
        /** Replace personal data (e-mails, phone numbers, card numbers, ...) in label values by a placeholder. */
        private boolean redactPii = true;

        public boolean isRedactPii() {
            return redactPii;
        }

        public void setRedactPii(boolean redactPii) {
            this.redactPii = redactPii;
        }
    }

    /** Prices of models, for llm_cost_usd_total. */
    public static class Pricing {
        /** A prices.json whose entries override the built-in catalog's; unset: the built-in catalog only. */
        private Path file;

        public Path getFile() {
            return file;
        }

        public void setFile(Path file) {
            this.file = file;
        }
    }

    /** Spring AI chat observations. */
    public static class SpringAi {
        /** Record Spring AI chat model calls (needs Spring AI and Micrometer observations on the class path). */
        private boolean enabled = true;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Host, process and GPU metrics (needs dev.vitals:vitals-system on the class path). */
    public static class System {
        /** Register vitals_system_* and vitals_gpu_* (off: Spring Boot already has process and JVM metrics). */
        private boolean enabled = false;
        /** How often the host is sampled. */
        private Duration interval = Duration.ofSeconds(15);

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public Duration getInterval() {
            return interval;
        }

        public void setInterval(Duration interval) {
            this.interval = interval;
        }
    }

    /** Business metrics: unique users and sessions, conversions, time to value. */
    public static class Business {
        /** Register a BusinessMetrics bean; the application feeds it requests and events. */
        private boolean enabled = false;

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }
    }

    /** Quality metrics (vitals_quality_*): accuracy, F1, RMSE, score means, ... of what the application records. */
    public static class Quality {
        /** Register a QualityTracker bean and export its windows; the application records predictions and scores into it. */
        private boolean enabled = false;
        /** The sliding windows, each exported with its own window label (5m, 1h, ...). */
        private java.util.List<Duration> windows = new java.util.ArrayList<>(
                java.util.List.of(Duration.ofMinutes(5), Duration.ofHours(1)));

        public boolean isEnabled() {
            return enabled;
        }

        public void setEnabled(boolean enabled) {
            this.enabled = enabled;
        }

        public java.util.List<Duration> getWindows() {
            return windows;
        }

        public void setWindows(java.util.List<Duration> windows) {
            this.windows = windows;
        }
    }
}
