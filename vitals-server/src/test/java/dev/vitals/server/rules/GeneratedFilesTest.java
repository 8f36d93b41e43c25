package dev.vitals.server.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.vitals.server.cli.VitalsCli;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The committed rule file and dashboard are exactly what the generators write, and both have the
 * shape Prometheus and Grafana expect.
 */
class GeneratedFilesTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void committedRulesAreTheGeneratorsOutput() throws Exception {
        assertThat(Files.readString(DeployDir.prometheus().resolve(VitalsRules.FILE_NAME)))
                .as("deploy/prometheus/vitals-rules.yml drifted from the generator: run ./vitals rules and commit it")
                .isEqualTo(VitalsRules.yaml(RulesParams.defaults()));
    }

    @Test
    void committedDashboardIsTheGeneratorsOutput() throws Exception {
        assertThat(Files.readString(DeployDir.grafana().resolve(GrafanaDashboard.FILE_NAME)))
                .as("deploy/grafana/vitals-dashboard.json drifted from the generator: run ./vitals dashboard and commit it")
                .isEqualTo(GrafanaDashboard.json());
    }

    @Test
    void cliWritesTheSameFilesAndRefusesBadParameters() throws Exception {
        assertThat(cli("rules", "--out", tmp.resolve("p").toString())).isZero();
        assertThat(Files.readString(tmp.resolve("p/vitals-rules.yml"))).isEqualTo(VitalsRules.yaml(RulesParams.defaults()));
        assertThat(cli("rules", "--out", tmp.resolve("q").toString(), "--availability-slo", "0.995", "--latency-slo", "0.95",
                "--latency-threshold", "3", "--monthly-budget", "250", "--min-request-rate", "0.5", "--quality-drop", "0.05",
                "--job", "llm-gateway")).isZero();
        assertThat(Files.readString(tmp.resolve("q/vitals-rules.yml"))).isEqualTo(VitalsRules.yaml(
                new RulesParams(0.995, 0.95, 3, 250, 0.5, 0.05, "llm-gateway")));
        assertThat(cli("dashboard", "--out", tmp.resolve("g").toString())).isZero();
        assertThat(Files.readString(tmp.resolve("g/vitals-dashboard.json"))).isEqualTo(GrafanaDashboard.json());

        assertThat(cli("rules", "--out", tmp.resolve("bad").toString(), "--latency-threshold", "4")).isEqualTo(2);
        assertThat(cli("rules", "--out", tmp.resolve("bad").toString(), "--availability-slo", "1")).isEqualTo(2);
        assertThat(tmp.resolve("bad")).doesNotExist();
    }

    private static int cli(String... args) {
        PrintStream out = System.out;
        PrintStream err = System.err;
        try {
            System.setOut(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8));
            return new CommandLine(new VitalsCli()).execute(args);
        } finally {
            System.setOut(out);
            System.setErr(err);
        }
    }

    @Test
    void parametersReachTheRules() {
        String d = VitalsRules.yaml(RulesParams.defaults());
        assertThat(d).contains("model_name:llm_request_errors:ratio_rate1h / 0.001 > 14.4",
                "model_name:llm_request_slow:ratio_rate1h / 0.01 > 14.4", "le=~\"5(\\\\.0)?\"",
                "sum(rate(llm_cost_usd_total[1h])) * 2592000 / 1000 > 14.4", "model_name:llm_requests:rate1h >= 0.05",
                "up{job=\"vitals\"}", "> 0.1\n");
        String p = VitalsRules.yaml(new RulesParams(0.99, 0.95, 0.5, 5000, 0.2, 0.15, "gw"));
        assertThat(p).contains("model_name:llm_request_errors:ratio_rate1h / 0.01 > 14.4",
                "model_name:llm_request_slow:ratio_rate6h / 0.05 > 6", "le=\"0.5\"", "* 2592000 / 5000 > 14.4",
                "model_name:llm_requests:rate6h >= 0.2", "up{job=\"gw\"}", "> 0.15\n", "99% availability SLO",
                "95% within 0.5 s").doesNotContain("0.001", "le=~\"5");
    }

    @Test
    void badParametersAreRefusedWithTheReason() {
        RulesParams d = RulesParams.defaults();
        assertThatThrownBy(() -> d.withLatency(0.99, 4)).hasMessageContaining("not a bucket of llm_request_latency_seconds");
        assertThatThrownBy(() -> d.withAvailabilityTarget(1)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> d.withAvailabilityTarget(Double.NaN)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> d.withMonthlyBudgetUsd(0)).hasMessageContaining("positive");
        assertThatThrownBy(() -> d.withMinRequestRate(-1)).hasMessageContaining(">= 0");
        assertThatThrownBy(() -> d.withQualityDrop(10)).hasMessageContaining("(0, 1)");
        assertThatThrownBy(() -> d.withJob("a b")).hasMessageContaining("job");
    }

    @Test
    void everyAlertHasSeverityForAndTemplatedAnnotations() throws Exception {
        JsonNode root = YAML.readTree(VitalsRules.yaml(RulesParams.defaults()));
        Set<String> names = new HashSet<>();
        int alerts = 0;
        for (JsonNode g : root.get("groups")) {
            for (JsonNode r : g.get("rules")) {
                String expr = r.get("expr").asText();
                if (r.has("record")) {
                    String name = r.get("record").asText();
                    assertThat(name).as("level:metric:operations").matches("[a-z_]+:[a-z_0-9]+:[a-z_0-9]+");
                    // aggregated by model (instance folds away), or built on series that are
                    assertThat(expr).as(name).containsAnyOf("by (model_name", "by (model)", "by (model, ", "model_name:", "model:");
                    assertThat(expr).as(name).doesNotContain("instance");
                    continue;
                }
                alerts++;
                String name = r.get("alert").asText();
                assertThat(names.add(name)).as("unique alert name " + name).isTrue();
                assertThat(r.get("for").asText()).as(name).matches("[0-9]+[mh]");
                assertThat(r.get("labels").get("severity").asText()).as(name).isIn("page", "ticket");
                List<String> keys = new ArrayList<>();
                r.get("annotations").fieldNames().forEachRemaining(keys::add);
                assertThat(keys).as(name).containsExactly("summary", "description", "runbook");
                for (String k : keys) {
                    assertThat(r.get("annotations").get(k).asText()).as(name + " " + k).isNotBlank();
                }
                if (!expr.startsWith("absent(")) {
                    assertThat(r.get("annotations").get("description").asText()).as(name)
                            .containsAnyOf("{{ $labels.", "{{ $value");
                }
            }
        }
        assertThat(alerts).isEqualTo(19); // 15 + the classification, regression and LLM quality drops + label coverage
        assertThat(names).containsExactlyInAnyOrderElementsOf(alertNames());
    }

    /** The alert names of the default rules. */
    static List<String> alertNames() {
        List<String> n = new ArrayList<>();
        for (RuleGroup g : VitalsRules.groups(RulesParams.defaults())) {
            g.rules().stream().filter(Rule::isAlert).map(Rule::name).forEach(n::add);
        }
        return n;
    }

    @Test
    void dashboardIsValidGrafanaJson() throws Exception {
        JsonNode d = JSON.readTree(GrafanaDashboard.json());
        assertThat(d.get("schemaVersion").asInt()).isEqualTo(39);
        assertThat(d.get("uid").asText()).isEqualTo("vitals-overview");
        assertThat(d.get("__inputs").get(0).get("name").asText()).isEqualTo("DS_PROMETHEUS");
        assertThat(d.get("__inputs").get(0).get("pluginId").asText()).isEqualTo("prometheus");
        JsonNode vars = d.get("templating").get("list");
        assertThat(vars.get(0).get("name").asText()).isEqualTo("model");
        assertThat(vars.get(0).get("query").get("query").asText()).isEqualTo("label_values(llm_requests_total, model_name)");
        assertThat(vars.get(1).get("name").asText()).isEqualTo("instance");
        assertThat(vars.get(1).get("query").get("query").asText()).contains("instance");
        List<String> rows = new ArrayList<>();
        Set<Integer> ids = new LinkedHashSet<>();
        boolean[][] grid = new boolean[400][24];
        int panels = 0;
        for (JsonNode p : d.get("panels")) {
            assertThat(ids.add(p.get("id").asInt())).as("unique panel id").isTrue();
            JsonNode g = p.get("gridPos");
            int x = g.get("x").asInt();
            int y = g.get("y").asInt();
            int w = g.get("w").asInt();
            int h = g.get("h").asInt();
            assertThat(x + w).as(p.get("title").asText()).isLessThanOrEqualTo(24);
            for (int i = y; i < y + h; i++) {
                for (int j = x; j < x + w; j++) {
                    assertThat(grid[i][j]).as("panels overlap at " + p.get("title").asText()).isFalse();
                    grid[i][j] = true;
                }
            }
            if (p.get("type").asText().equals("row")) {
                rows.add(p.get("title").asText());
                continue;
            }
            panels++;
            assertThat(p.get("type").asText()).isIn("timeseries", "stat");
            assertThat(p.get("title").asText()).isNotBlank();
            assertThat(p.get("datasource").get("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
            assertThat(p.get("fieldConfig").get("defaults").get("unit").asText()).as(p.get("title").asText()).isNotBlank();
            assertThat(p.get("targets").size()).isPositive();
            for (JsonNode t : p.get("targets")) {
                assertThat(t.get("expr").asText()).isNotBlank();
                assertThat(t.get("datasource").get("uid").asText()).isEqualTo("${DS_PROMETHEUS}");
            }
        }
        assertThat(rows).containsExactly("Operational", "Cost", "Model quality", "Drift", "Business", "System");
        assertThat(panels).isEqualTo(GrafanaDashboard.panels().size());
        assertThat(GrafanaDashboard.json()).doesNotContain("\r");
    }
}
