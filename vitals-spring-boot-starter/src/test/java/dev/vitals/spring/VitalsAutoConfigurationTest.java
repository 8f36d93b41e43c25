package dev.vitals.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.business.BusinessMetrics;
import dev.vitals.labels.LabelPolicy;
import dev.vitals.langchain4j.Scrape;
import dev.vitals.llm.LlmCall;
import dev.vitals.metrics.LlmMetrics;
import dev.vitals.pricing.PriceCatalog;
import dev.vitals.spring.ai.VitalsChatObservationHandler;
import dev.vitals.system.SystemMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.InputStream;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The auto-configuration alone, in small contexts: conditions, properties and their errors, metadata. */
class VitalsAutoConfigurationTest {

    @Configuration(proxyBeanMethods = false)
    static class AppRegistry {
        @Bean
        PrometheusRegistry prometheusRegistry() {
            return new PrometheusRegistry();
        }
    }

    final ApplicationContextRunner runner = new ApplicationContextRunner()
            .withConfiguration(AutoConfigurations.of(VitalsAutoConfiguration.class))
            .withUserConfiguration(AppRegistry.class);

    @Test
    void registersInTheApplicationsPrometheusRegistry() {
        runner.run(ctx -> {
            assertThat(ctx).hasSingleBean(LlmMetrics.class).hasSingleBean(PriceCatalog.class)
                    .hasSingleBean(LabelPolicy.class).hasSingleBean(VitalsChatObservationHandler.class)
                    .doesNotHaveBean(BusinessMetrics.class).doesNotHaveBean(SystemMetrics.class);
            ctx.getBean(LlmMetrics.class).record(LlmCall.builder("gpt-4o-mini").success().tokens(3, 4).durationSeconds(0.1).build());
            String t = Scrape.text(ctx.getBean(PrometheusRegistry.class));
            assertThat(Scrape.value(t, "llm_requests_total{model_name=\"gpt-4o-mini\",status=\"success\"}")).isEqualTo(1.0);
        });
    }

    @Test
    void worksWithoutSpringAiOnTheClassPath() {
        runner.withClassLoader(new FilteredClassLoader("org.springframework.ai.")).run(ctx -> {
            assertThat(ctx).hasNotFailed().hasSingleBean(LlmMetrics.class).doesNotHaveBean(VitalsChatObservationHandler.class);
        });
    }

    @Test
    void langChain4jModelsRecordThroughTheListenerBean() throws Exception {
        try (dev.vitals.langchain4j.FakeOpenAiServer fake = new dev.vitals.langchain4j.FakeOpenAiServer()) {
            runner.run(ctx -> {
                dev.vitals.langchain4j.VitalsChatModelListener listener = ctx.getBean(dev.vitals.langchain4j.VitalsChatModelListener.class);
                dev.langchain4j.model.openai.OpenAiChatModel.builder()
                        .baseUrl(fake.baseUrl(dev.vitals.langchain4j.FakeOpenAiServer.Scenario.NORMAL)).apiKey("k")
                        .modelName("gpt-4o-mini").listeners(java.util.List.of(listener)).build().chat("hi");
                String t = Scrape.text(ctx.getBean(PrometheusRegistry.class));
                assertThat(Scrape.value(t, "llm_requests_total{model_name=\"gpt-4o-mini\",status=\"success\"}")).isEqualTo(1.0);
                assertThat(Scrape.value(t, "llm_cost_usd_total{model_name=\"gpt-4o-mini\"}")).isCloseTo(4.425e-6,
                        org.assertj.core.api.Assertions.within(1e-15));
            });
        }
        runner.withClassLoader(new FilteredClassLoader("dev.langchain4j.")).run(ctx ->
                assertThat(ctx).hasNotFailed().doesNotHaveBean(dev.vitals.langchain4j.VitalsChatModelListener.class));
    }

    @Test
    void worksWithoutVitalsSystemOnTheClassPathEvenWhenAskedFor() {
        runner.withClassLoader(new FilteredClassLoader("dev.vitals.system.")).withPropertyValues("vitals.system.enabled=true")
                .run(ctx -> assertThat(ctx).hasNotFailed().hasSingleBean(LlmMetrics.class));
    }

    @Test
    void offSwitchRegistersNothing() {
        runner.withPropertyValues("vitals.enabled=false").run(ctx -> assertThat(ctx).hasNotFailed()
                .doesNotHaveBean(LlmMetrics.class).doesNotHaveBean(VitalsChatObservationHandler.class));
    }

    @Test
    void systemAndBusinessWhenConfigured() {
        runner.withPropertyValues("vitals.system.enabled=true", "vitals.system.interval=1s", "vitals.business.enabled=true")
                .run(ctx -> {
                    assertThat(ctx).hasSingleBean(SystemMetrics.class).hasSingleBean(BusinessMetrics.class);
                    ctx.getBean(SystemMetrics.class).sampleNow(); // the first scheduled sample may still be running
                    String t = Scrape.text(ctx.getBean(PrometheusRegistry.class));
                    assertThat(t).contains("vitals_system_cpus");
                    assertThat(t).doesNotContain("jvm_memory"); // Micrometer has the JVM's; no clash
                });
    }

    @Test
    void qualityOffByDefaultAndExportedWithTheConfiguredWindows() {
        runner.run(ctx -> {
            assertThat(ctx).doesNotHaveBean(dev.vitals.quality.QualityTracker.class);
            assertThat(Scrape.text(ctx.getBean(PrometheusRegistry.class))).doesNotContain("vitals_quality_");
        });
        runner.withPropertyValues("vitals.quality.enabled=true").run(ctx ->
                assertThat(ctx.getBean(dev.vitals.quality.QualityTracker.class).windows())
                        .containsExactly(java.time.Duration.ofMinutes(5), java.time.Duration.ofHours(1)));
        runner.withPropertyValues("vitals.quality.enabled=true", "vitals.quality.windows=1m,1d").run(ctx -> {
            dev.vitals.quality.QualityTracker q = ctx.getBean(dev.vitals.quality.QualityTracker.class);
            q.model("price").addRegression(10, 12);
            q.model("price").addRegression(20, 18);
            String t = Scrape.text(ctx.getBean(PrometheusRegistry.class));
            for (String w : new String[] {"1m", "1d"}) {
                assertThat(Scrape.value(t, "vitals_quality_mae{model=\"price\",window=\"" + w + "\"}")).isEqualTo(2.0);
            }
            assertThat(t).doesNotContain("window=\"5m\"").doesNotContain("vitals_quality_accuracy{").doesNotContain("NaN");
        });
    }

    @Test
    void genAiFamilyOffLeavesOnlyTheSourceFamily() {
        runner.withPropertyValues("vitals.metrics.gen-ai-family=false").run(ctx -> {
            ctx.getBean(LlmMetrics.class).record(LlmCall.builder("m").success().durationSeconds(0.1).build());
            String t = Scrape.text(ctx.getBean(PrometheusRegistry.class));
            assertThat(t).contains("llm_requests_total").doesNotContain("gen_ai_client_token_usage");
        });
    }

    @Test
    void wrongValuesStopTheStartWithTheKeyInTheMessage() {
        Map<String, String> cases = new HashMap<>();
        cases.put("vitals.metrics.max-models=0", "vitals.metrics.max-models must be >= 1, got 0");
        cases.put("vitals.pricing.file=/no/such/prices.json", "vitals.pricing.file: no such file: /no/such/prices.json");
        cases.put("vitals.system.interval=10ms", "vitals.system.interval must be at least 100ms");
        cases.put("vitals.quality.windows=", "vitals.quality.windows must name at least one window, for example 5m,1h");
        cases.put("vitals.quality.windows=1m,1m", "vitals.quality.windows: windows must be distinct positive durations, got [PT1M, PT1M]");
        cases.put("vitals.quality.windows=30ms", "vitals.quality.windows: window of 30 ms must split into 60 buckets");
        for (Map.Entry<String, String> c : cases.entrySet()) {
            runner.withPropertyValues(c.getKey(), "vitals.system.enabled=true", "vitals.quality.enabled=true").run(ctx -> {
                assertThat(ctx).hasFailed();
                assertThat(rootMessage(ctx.getStartupFailure())).as(c.getKey()).contains(c.getValue());
            });
        }
        runner.withPropertyValues("vitals.metrics.source-family=false", "vitals.metrics.gen-ai-family=false").run(ctx ->
                assertThat(rootMessage(ctx.getStartupFailure())).contains("are both false"));
        runner.withPropertyValues("vitals.quality.enabled=true", "vitals.quality.windows=soon").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("vitals.quality.windows"));
        runner.withPropertyValues("vitals.metrics.max-models=lots").run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("vitals.metrics.max-models"));
    }

    @Test
    void malformedPriceFileNamesTheProperty(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path f = dir.resolve("prices.json");
        java.nio.file.Files.writeString(f, "{ not json");
        runner.withPropertyValues("vitals.pricing.file=" + f).run(ctx ->
                assertThat(ctx.getStartupFailure()).hasStackTraceContaining("IllegalArgumentException: vitals.pricing.file: "));
    }

    @Test
    void configurationMetadataDescribesEveryProperty() throws Exception {
        try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
            assertThat(in).as("spring-boot-configuration-processor output").isNotNull();
            JsonNode props = new ObjectMapper().readTree(in).path("properties");
            Map<String, JsonNode> byName = new HashMap<>();
            props.forEach(p -> byName.put(p.path("name").asText(), p));
            assertThat(byName).containsKeys("vitals.enabled", "vitals.metrics.max-models", "vitals.metrics.gen-ai-family",
                    "vitals.labels.redact-pii", "vitals.pricing.file", "vitals.spring-ai.enabled", "vitals.system.enabled",
                    "vitals.system.interval", "vitals.business.enabled", "vitals.quality.enabled", "vitals.quality.windows");
            byName.forEach((name, p) -> assertThat(p.path("description").asText()).as(name).isNotEmpty());
            assertThat(byName.get("vitals.metrics.max-models").path("defaultValue").asInt()).isEqualTo(1000);
        }
    }

    private static String rootMessage(Throwable t) {
        Throwable r = t;
        while (r.getCause() != null) {
            r = r.getCause();
        }
        return r.getMessage();
    }
}
