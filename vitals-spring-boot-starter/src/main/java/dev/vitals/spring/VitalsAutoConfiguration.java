package dev.vitals.spring;

import dev.vitals.business.BusinessMetrics;
import dev.vitals.labels.LabelMetrics;
import dev.vitals.labels.LabelPolicy;
import dev.vitals.metrics.LlmMetrics;
import dev.vitals.pricing.PriceCatalog;
import dev.vitals.quality.QualityMetrics;
import dev.vitals.quality.QualityTracker;
import dev.vitals.spring.ai.VitalsChatObservationHandler;
import dev.vitals.system.SystemMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.file.Files;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Registers Vitals' metric families in the application's client_java {@link PrometheusRegistry} — the one
 * Spring Boot's Prometheus support creates and {@code /actuator/prometheus} serves, beside Micrometer's
 * meters — and records Spring AI chat calls through {@link VitalsChatObservationHandler}.
 *
 * <p>Add the dependency and nothing else; in {@code application.properties}, for example:
 * <pre>{@code
 * management.endpoints.web.exposure.include=health,prometheus
 * vitals.pricing.file=/etc/vitals/prices.json
 * }</pre>
 *
 * <p>Without a {@code PrometheusRegistry} bean (no {@code micrometer-registry-prometheus}), Vitals
 * registers in client_java's {@link PrometheusRegistry#defaultRegistry}. Without Spring AI on the class
 * path, everything but the observation handler is configured.
 */
// before Spring AI's chat observation auto-configuration, so that its token meter handler can be replaced
@AutoConfiguration(
        afterName = "org.springframework.boot.micrometer.metrics.autoconfigure.export.prometheus.PrometheusMetricsExportAutoConfiguration",
        beforeName = "org.springframework.ai.model.chat.observation.autoconfigure.ChatObservationAutoConfiguration")
@ConditionalOnClass(PrometheusRegistry.class)
@ConditionalOnProperty(prefix = "vitals", name = "enabled", matchIfMissing = true)
@EnableConfigurationProperties(VitalsProperties.class)
public class VitalsAutoConfiguration {

    /** The registry Vitals registers in: the app's, else client_java's default one. */
    static PrometheusRegistry registry(ObjectProvider<PrometheusRegistry> app) {
        return app.getIfAvailable(() -> PrometheusRegistry.defaultRegistry);
    }

    @Bean
    @ConditionalOnMissingBean
    public LabelPolicy vitalsLabelPolicy(VitalsProperties props, ObjectProvider<PrometheusRegistry> app) {
        return LabelPolicy.builder().redactPii(props.labels().redactPii())
                .metrics(LabelMetrics.of(registry(app))).build();
    }

    @Bean
    @ConditionalOnMissingBean
    public LlmMetrics vitalsLlmMetrics(VitalsProperties props, LabelPolicy policy, ObjectProvider<PrometheusRegistry> app) {
        VitalsProperties.Metrics m = props.metrics();
        if (m.maxModels() < 1) {
            throw new IllegalArgumentException("vitals.metrics.max-models must be >= 1, got " + m.maxModels());
        }
        if (!m.sourceFamily() && !m.genAiFamily()) {
            throw new IllegalArgumentException("vitals.metrics.source-family and vitals.metrics.gen-ai-family are both false:"
                    + " turn one on, or set vitals.enabled=false");
        }
        return LlmMetrics.builder().sourceFamily(m.sourceFamily()).genAiFamily(m.genAiFamily())
                .maxModels(m.maxModels()).labelPolicy(policy).register(registry(app));
    }

    @Bean
    @ConditionalOnMissingBean
    public PriceCatalog vitalsPriceCatalog(VitalsProperties props) {
        PriceCatalog builtIn = PriceCatalog.builtIn();
        if (props.pricing().file() == null) {
            return builtIn;
        }
        if (!Files.isRegularFile(props.pricing().file())) {
            throw new IllegalArgumentException("vitals.pricing.file: no such file: " + props.pricing().file());
        }
        try {
            return builtIn.overlay(PriceCatalog.load(props.pricing().file()));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("vitals.pricing.file: " + e.getMessage(), e);
        }
    }

    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "vitals.business", name = "enabled")
    public BusinessMetrics vitalsBusinessMetrics(ObjectProvider<PrometheusRegistry> app) {
        return BusinessMetrics.builder().register(registry(app));
    }

    /**
     * A {@link QualityTracker} the application records into, exported as {@code vitals_quality_*} through
     * {@link QualityMetrics}, when {@code vitals.quality.enabled=true}.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnProperty(prefix = "vitals.quality", name = "enabled")
    public QualityTracker vitalsQualityTracker(VitalsProperties props, ObjectProvider<PrometheusRegistry> app) {
        java.util.List<java.time.Duration> windows = props.quality().windows();
        if (windows == null || windows.isEmpty()) {
            throw new IllegalArgumentException("vitals.quality.windows must name at least one window, for example 5m,1h");
        }
        QualityTracker tracker;
        try {
            tracker = QualityTracker.builder().windows(windows.toArray(new java.time.Duration[0])).build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("vitals.quality.windows: " + e.getMessage());
        }
        QualityMetrics.builder(tracker).register(registry(app));
        return tracker;
    }

    /** Host and GPU sampling, when vitals-system is on the class path and vitals.system.enabled=true. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "dev.vitals.system.SystemMetrics")
    @ConditionalOnProperty(prefix = "vitals.system", name = "enabled")
    static class SystemConfiguration {
        @Bean(destroyMethod = "close")
        @ConditionalOnMissingBean
        SystemMetrics vitalsSystemMetrics(VitalsProperties props, ObjectProvider<PrometheusRegistry> app) {
            java.time.Duration interval = props.system().interval();
            if (interval == null || interval.toMillis() < 100) {
                throw new IllegalArgumentException("vitals.system.interval must be at least 100ms, got " + interval);
            }
            // no JVM metrics: Micrometer's jvm_* are already there, and client_java's would clash with them
            SystemMetrics s = SystemMetrics.builder().interval(interval).jvmMetrics(false).register(registry(app));
            s.start();
            return s;
        }
    }

    /** The Spring AI chat observation handler; Spring Boot adds ObservationHandler beans to the ObservationRegistry. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.ai.chat.observation.ChatModelObservationContext",
            "io.micrometer.observation.ObservationHandler"})
    @ConditionalOnProperty(prefix = "vitals.spring-ai", name = "enabled", matchIfMissing = true)
    static class SpringAiConfiguration {
        @Bean
        @ConditionalOnMissingBean
        VitalsChatObservationHandler vitalsChatObservationHandler(LlmMetrics metrics, PriceCatalog prices) {
            return new VitalsChatObservationHandler(metrics, prices);
        }
    }

    /**
     * Spring AI's {@code ChatModelMeterObservationHandler} counts tokens as a Micrometer counter named
     * {@code gen_ai.client.token.usage}: the same Prometheus name as Vitals' histogram (OpenTelemetry's own
     * shape for it), and the two cannot share one registry (the scrape fails: duplicate metric name). With
     * Vitals' GenAI family on, Vitals' histogram replaces Spring AI's counter; with it off, Spring AI's stays.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"org.springframework.ai.chat.observation.ChatModelMeterObservationHandler",
            "io.micrometer.core.instrument.MeterRegistry"})
    @ConditionalOnProperty(prefix = "vitals.metrics", name = "gen-ai-family", matchIfMissing = true)
    static class SpringAiTokenMeterConfiguration {
        @Bean
        @ConditionalOnMissingBean
        org.springframework.ai.chat.observation.ChatModelMeterObservationHandler chatModelMeterObservationHandler() {
            return new SpringAiTokenCounterOff();
        }
    }

    /**
     * A {@code VitalsChatModelListener} bean sharing the app's {@link LlmMetrics}, when the app uses
     * LangChain4j: langchain4j-spring-boot-starter attaches {@code ChatModelListener} beans to the models
     * it configures; models built by hand take it with {@code .listeners(List.of(listener))}.
     */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = {"dev.langchain4j.model.chat.listener.ChatModelListener",
            "dev.vitals.langchain4j.VitalsChatModelListener"})
    static class LangChain4jConfiguration {
        @Bean
        @ConditionalOnMissingBean
        dev.vitals.langchain4j.VitalsChatModelListener vitalsChatModelListener(LlmMetrics metrics, PriceCatalog prices) {
            return dev.vitals.langchain4j.VitalsChatModelListener.of(metrics, prices);
        }
    }

    /** Micrometer meters of Spring AI (and any gen_ai.* tag) pass Vitals' label policy too. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(name = "io.micrometer.core.instrument.config.MeterFilter")
    static class MicrometerConfiguration {
        @Bean
        GenAiTagFilter vitalsGenAiTagFilter(LabelPolicy policy) {
            return new GenAiTagFilter(policy);
        }
    }
}
