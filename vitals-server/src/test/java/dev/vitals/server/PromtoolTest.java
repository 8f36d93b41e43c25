package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vitals.server.rules.DeployDir;
import dev.vitals.server.rules.RuleGroup;
import dev.vitals.server.rules.RulesParams;
import dev.vitals.server.rules.VitalsRules;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules and configuration pass promtool's checks, the promtool unit tests pass (and cover every
 * alert firing and not firing), the unit tests catch a wrong rule, and a real scrape passes
 * {@code promtool check metrics}. Needs promtool: fails in CI without it, skips elsewhere.
 */
@Timeout(180)
class PromtoolTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    @TempDir
    Path tmp;

    private static List<String> testFiles() throws Exception {
        try (Stream<Path> s = Files.list(DeployDir.prometheus().resolve("tests"))) {
            return s.map(p -> "tests/" + p.getFileName()).filter(n -> n.endsWith(".yml")).sorted().toList();
        }
    }

    @Test
    void rulesAndConfigPassPromtoolChecks() throws Exception {
        Promtools.Result rules = Promtools.promtool(DeployDir.prometheus(), null, "check", "rules", VitalsRules.FILE_NAME);
        assertThat(rules.code()).as(rules.output()).isZero();
        assertThat(rules.output()).contains("SUCCESS").doesNotContain("FAILED", "lint");
        Promtools.Result config = Promtools.promtool(DeployDir.prometheus(), null, "check", "config", "prometheus.yml");
        assertThat(config.code()).as(config.output()).isZero();
        assertThat(config.output()).contains("SUCCESS: 1 rule files found");
    }

    @Test
    void promtoolUnitTestsPass() throws Exception {
        List<String> args = new ArrayList<>(List.of("test", "rules"));
        args.addAll(testFiles());
        Promtools.Result r = Promtools.promtool(DeployDir.prometheus(), null, args.toArray(String[]::new));
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).doesNotContain("FAILED");
    }

    @Test
    void everyAlertIsTestedFiringAndNotFiring() throws Exception {
        List<String> groups = VitalsRules.groups(RulesParams.defaults()).stream().map(RuleGroup::name).toList();
        Map<String, int[]> seen = new TreeMap<>();
        VitalsRules.groups(RulesParams.defaults()).forEach(g -> g.rules().stream().filter(r -> r.isAlert())
                .forEach(r -> seen.put(r.name(), new int[2])));
        for (String f : testFiles()) {
            JsonNode doc = YAML.readTree(DeployDir.prometheus().resolve(f).toFile());
            assertThat(doc.get("rule_files").get(0).asText()).as(f).isEqualTo("../vitals-rules.yml");
            List<String> order = new ArrayList<>();
            doc.get("group_eval_order").forEach(n -> order.add(n.asText()));
            assertThat(order).as(f + ": group_eval_order must list every group in file order").isEqualTo(groups);
            for (JsonNode t : doc.get("tests")) {
                JsonNode art = t.get("alert_rule_test");
                if (art == null) {
                    continue;
                }
                for (JsonNode a : art) {
                    int[] c = seen.get(a.get("alertname").asText());
                    assertThat(c).as(f + ": tests an alert that does not exist: " + a.get("alertname")).isNotNull();
                    c[a.get("exp_alerts").isEmpty() ? 1 : 0]++;
                }
            }
        }
        seen.forEach((alert, c) -> {
            assertThat(c[0]).as(alert + " has no promtool test in which it fires").isPositive();
            assertThat(c[1]).as(alert + " has no promtool test in which it stays quiet").isPositive();
        });
    }

    @Test
    void unitTestsCatchAWrongRule() throws Exception {
        // rules generated for a 99% SLO: the budget is 10x larger, so the tests written for 99.9% must fail
        Files.writeString(tmp.resolve(VitalsRules.FILE_NAME), VitalsRules.yaml(RulesParams.defaults().withAvailabilityTarget(0.99)));
        Files.createDirectories(tmp.resolve("tests"));
        Files.copy(DeployDir.prometheus().resolve("tests/slo-availability.yml"), tmp.resolve("tests/slo-availability.yml"));
        Promtools.Result r = Promtools.promtool(tmp, null, "test", "rules", "tests/slo-availability.yml");
        assertThat(r.code()).as(r.output()).isNotZero();
        assertThat(r.output()).contains("FAILED", "VitalsAvailabilityBudgetFastBurn");
    }

    @Test
    void realScrapePassesCheckMetrics() throws Exception {
        try (ServerFixture f = ServerFixture.start(cfg -> {
            ServerFixture.sim(cfg).latencyMin = 0.001;
            ServerFixture.sim(cfg).latencyMax = 0.005;
            ServerFixture.sim(cfg).timeToFirstToken = 0.001;
            ServerFixture.sim(cfg).interTokenDelay = 0.0;
            ServerFixture.sim(cfg).seed = 3L;
        })) {
            assertThat(f.post("/generate", "{\"prompt\": \"hello there\"}").statusCode()).isEqualTo(200);
            assertThat(f.post("/generate", "{\"prompt\": \"an error please\"}").statusCode()).isEqualTo(500);
            assertThat(f.post("/v1/chat/completions", "{\"model\":\"mock-llm-v1\",\"stream\":true,"
                    + "\"messages\":[{\"role\":\"user\",\"content\":\"hi\"}]}").statusCode()).isEqualTo(200);
            assertThat(f.post("/generate", "not json").statusCode()).isEqualTo(400);
            HttpResponse<String> m = f.get("/metrics");
            assertThat(m.statusCode()).isEqualTo(200);
            // every family the dashboard and rules rely on is in the scrape being checked
            assertThat(m.body()).contains("llm_requests_total{", "llm_request_latency_seconds_bucket{",
                    "llm_time_to_first_token_seconds_bucket{", "llm_cost_usd_total{", "process_cpu_seconds_total",
                    "jvm_memory_used_bytes{");
            Promtools.Result r = Promtools.promtool(tmp, m.body(), "check", "metrics");
            assertThat(r.code()).as(r.output()).isZero();
            assertThat(r.output()).as("promtool check metrics found problems").isBlank();
        }
    }
}
