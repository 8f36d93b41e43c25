package dev.vitals.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.labels.LabelPolicy;
import dev.vitals.quality.eval.EvalInput;
import dev.vitals.quality.eval.Rubric;
import dev.vitals.pricing.PriceCatalog;
import dev.vitals.server.config.EvaluatorsConfig;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.gateway.Backend;
import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.gateway.OpenAiBackend;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.JdbcStateStore;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.vertx.core.Vertx;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The LLM judge against a fake OpenAI-compatible judge on loopback (real HTTP): valid, malformed and
 * slow answers, and sampling, the per-minute cap and the daily budget counted exactly under an
 * injected clock.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JudgeServiceTest {
    private static final String JUDGE = "judge-model";
    // $1,000 per million input tokens: the fake's 1,000 prompt tokens cost exactly $1 per judge request
    private static final String PRICES = "{\"version\": \"t\", \"models\": {\"" + JUDGE + "\": {\"input\": 1000, \"output\": 0}}}";

    @TempDir
    Path dir;
    Vertx vertx;
    FakeJudge fake;
    StateStore store;
    GroupCommitter writer;
    PrometheusRegistry registry;
    QualityService quality;
    Gateway gateway;
    List<Backend> route;
    final AtomicLong now = new AtomicLong(1_800_000_000_000L);

    @BeforeEach
    void start() {
        vertx = Vertx.vertx();
        fake = new FakeJudge(vertx);
        store = JdbcStateStore.sqlite(dir.resolve("v.db"));
        registry = new PrometheusRegistry();
        writer = new GroupCommitter(store, 1000, null);
        quality = new QualityService(new VitalsConfig.Quality(), store, writer, registry, LabelPolicy.builder().build(), null);
        VitalsConfig.Backend b = new VitalsConfig.Backend();
        b.name = "judge";
        b.type = "openai";
        b.baseUrl = fake.baseUrl();
        b.models = List.of(JUDGE);
        route = List.of(new OpenAiBackend(vertx, b, Map.of()));
        PriceCatalog prices = PriceCatalog.parse(new ByteArrayInputStream(PRICES.getBytes(StandardCharsets.UTF_8)), "test");
        gateway = new Gateway(route, List.of(), () -> prices);
    }

    @AfterEach
    void stop() {
        fake.close();
        vertx.close().await();
        writer.close();
        store.close();
    }

    private JudgeService judge(EvaluatorsConfig.Judge cfg, String... rubrics) {
        return new JudgeService(vertx, gateway, route, cfg, JUDGE, Rubric.load(null, List.of(rubrics)), quality, registry, now::get);
    }

    private double counter(String name, String... kv) {
        for (MetricSnapshot s : registry.scrape()) {
            if (s instanceof CounterSnapshot c && s.getMetadata().getPrometheusName().equals(name.replace("_total", ""))) {
                for (CounterSnapshot.CounterDataPointSnapshot p : c.getDataPoints()) {
                    boolean match = true;
                    for (int i = 0; i < kv.length; i += 2) {
                        match &= kv[i + 1].equals(p.getLabels().get(kv[i]));
                    }
                    if (match) {
                        return p.getValue();
                    }
                }
            }
        }
        return 0;
    }

    private void await(String name, double value, String... kv) throws InterruptedException {
        long end = System.currentTimeMillis() + 20_000;
        while (counter(name, kv) < value && System.currentTimeMillis() < end) {
            Thread.sleep(10);
        }
        assertThat(counter(name, kv)).as(name + " " + String.join(",", kv)).isEqualTo(value);
    }

    @Test
    void validAnswersScoreMalformedAndSlowOnesAreCountedNeverScored() throws Exception {
        fake.answers.put("helpfulness", "{\"score\": 4, \"explanation\": \"good\"}");
        fake.answers.put("coherence", "Sure! I would rate it a 4.");
        fake.answers.put("safety", " {\"safe\": false} ");
        fake.answers.put("hallucination", "{\"hallucination\": \"no\"}");
        fake.slow.add("conciseness");
        EvaluatorsConfig.Judge cfg = new EvaluatorsConfig.Judge();
        cfg.timeoutSeconds = 1;
        cfg.budgetUsdPerDay = 100;
        JudgeService j = judge(cfg, Rubric.NAMES.toArray(new String[0]));
        j.offer("prod", new EvalInput("What is 2+2?", "4", "Arithmetic facts.", null));
        j.offer("prod", new EvalInput("What is 3+3?", "6", null, null));
        await("vitals_judge_requests_total", 2, "rubric", "helpfulness", "outcome", "scored");
        await("vitals_judge_requests_total", 2, "rubric", "safety", "outcome", "scored");
        await("vitals_judge_requests_total", 2, "rubric", "coherence", "outcome", "malformed");
        await("vitals_judge_requests_total", 2, "rubric", "hallucination", "outcome", "malformed");
        await("vitals_judge_requests_total", 2, "rubric", "conciseness", "outcome", "failed");
        assertThat(counter("vitals_judge_samples_total", "outcome", "sampled")).isEqualTo(2);
        var report = QualityReports.report(quality.report("prod", "5m"));
        String scores = report.getJsonObject("scores").encode();
        assertThat(scores).contains("\"name\":\"helpfulness\"").contains("\"name\":\"safety\"")
                .doesNotContain("\"name\":\"coherence\"").doesNotContain("\"name\":\"hallucination\"")
                .doesNotContain("\"name\":\"conciseness\"");
        // the judge saw the call's text and its context, and asked at temperature 0
        assertThat(fake.received.get(0).getInteger("temperature")).isZero();
        assertThat(fake.received).anyMatch(b -> b.encode().contains("Arithmetic facts."));
        // every judge request was charged: 8 answered + 2 timed out (recorded as timeouts, unpriced: no usage)
        assertThat(counter("vitals_judge_cost_usd_total")).isEqualTo(8.0);
    }

    @Test
    void samplingIsCountedExactly() throws Exception {
        EvaluatorsConfig.Judge cfg = new EvaluatorsConfig.Judge();
        cfg.sampleRate = 0.3;
        cfg.seed = 42L;
        cfg.maxPerMinute = 100_000;
        cfg.budgetUsdPerDay = 1_000_000;
        JudgeService j = judge(cfg, "helpfulness");
        java.util.Random same = new java.util.Random(42);
        int expected = 0;
        for (int i = 0; i < 200; i++) {
            if (same.nextDouble() < 0.3) {
                expected++;
            }
            j.offer("prod", EvalInput.of("q", "a"));
        }
        assertThat(counter("vitals_judge_samples_total", "outcome", "sampled")).isEqualTo(expected);
        assertThat(counter("vitals_judge_samples_total", "outcome", "not_sampled")).isEqualTo(200 - expected);
        await("vitals_judge_requests_total", expected, "rubric", "helpfulness", "outcome", "scored");
        assertThat(fake.rubricRequests()).isEqualTo(expected);
    }

    @Test
    void thePerMinuteCapCountsRubricRequestsAndResetsEachMinute() throws Exception {
        EvaluatorsConfig.Judge cfg = new EvaluatorsConfig.Judge();
        cfg.maxPerMinute = 5;
        cfg.budgetUsdPerDay = 1_000_000;
        fake.answers.put("safety", "{\"safe\": true}");
        JudgeService j = judge(cfg, "helpfulness", "safety"); // two requests per sampled call
        now.set(60_000L * 1_000_000); // the start of a minute
        for (int i = 0; i < 4; i++) {
            j.offer("prod", EvalInput.of("q", "a"));
        }
        assertThat(counter("vitals_judge_samples_total", "outcome", "sampled")).isEqualTo(2); // 4 of 5 requests
        assertThat(counter("vitals_judge_samples_total", "outcome", "rate_limited")).isEqualTo(2);
        now.addAndGet(60_000);
        j.offer("prod", EvalInput.of("q", "a"));
        assertThat(counter("vitals_judge_samples_total", "outcome", "sampled")).isEqualTo(3);
        await("vitals_judge_requests_total", 3, "rubric", "safety", "outcome", "scored");
        assertThat(fake.rubricRequests()).isEqualTo(6);
    }

    @Test
    void theDailyBudgetStopsTheJudgeUntilTheNextUtcDay() throws Exception {
        EvaluatorsConfig.Judge cfg = new EvaluatorsConfig.Judge();
        cfg.budgetUsdPerDay = 2.5;
        cfg.maxPerMinute = 100_000;
        JudgeService j = judge(cfg, "helpfulness");
        now.set(86_400_000L * 20_000 + 3_600_000); // 01:00 UTC
        for (int i = 1; i <= 3; i++) { // $1 each: spent 0, 1, 2 before each, all under 2.5
            j.offer("prod", EvalInput.of("q", "a"));
            await("vitals_judge_cost_usd_total", i);
        }
        j.offer("prod", EvalInput.of("q", "a"));
        j.offer("prod", EvalInput.of("q", "a"));
        assertThat(counter("vitals_judge_samples_total", "outcome", "over_budget")).isEqualTo(2);
        now.addAndGet(86_400_000L);
        j.offer("prod", EvalInput.of("q", "a"));
        assertThat(counter("vitals_judge_samples_total", "outcome", "sampled")).isEqualTo(4);
        await("vitals_judge_cost_usd_total", 4);
        assertThat(fake.rubricRequests()).isEqualTo(4);
    }
}
