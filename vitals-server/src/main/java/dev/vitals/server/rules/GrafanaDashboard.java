package dev.vitals.server.rules;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Generates the Vitals Grafana dashboard ({@code deploy/grafana/vitals-dashboard.json}): variables
 * {@code model} and {@code instance}, and a row per category of signals (operational, cost, model
 * quality, drift, business, system). The data source is the {@code DS_PROMETHEUS} input that
 * Grafana asks for on import.
 */
public final class GrafanaDashboard {
    public static final String FILE_NAME = "vitals-dashboard.json";
    public static final String UID = "vitals-overview";
    static final String DS = "${DS_PROMETHEUS}";
    private static final ObjectMapper JSON = new ObjectMapper();
    /** Selects the dashboard's models and instances in the llm_* metrics. */
    private static final String SEL = "model_name=~\"$model\", instance=~\"$instance\"";
    private static final String RI = "[$__rate_interval]";

    private GrafanaDashboard() {
    }

    private static DashboardPanel.Target t(String expr, String legend) {
        return new DashboardPanel.Target(expr, legend);
    }

    private static String rate(String metric, String extra) {
        return "rate(" + metric + "{" + (extra.isEmpty() ? "" : extra + ", ") + SEL + "}" + RI + ")";
    }

    /** The rate of {@code metric}, summed per model. */
    private static String perModel(String metric) {
        return "sum by (model_name) (" + rate(metric, "") + ")";
    }

    private static String quantile(String q, String bucket) {
        return "histogram_quantile(" + q + ", sum by (model_name, le) (" + rate(bucket, "") + "))";
    }

    /** A panel of metrics Vitals exports today. */
    private static DashboardPanel panel(String row, String title, String type, String unit, String description,
                                        DashboardPanel.Target... targets) {
        return new DashboardPanel(row, title, type, unit, description, List.of(targets), null);
    }

    /** The panels, in order. */
    public static List<DashboardPanel> panels() {
        List<DashboardPanel> p = new ArrayList<>();
        String op = "Operational";
        p.add(panel(op, "Request rate", "timeseries", "reqps", "LLM calls per second by model, successes and failures.",
                t(perModel("llm_requests_total"), "{{model_name}}")));
        p.add(panel(op, "Error ratio", "timeseries", "percentunit", "Share of LLM calls that failed.",
                t("sum by (model_name) (" + rate("llm_requests_total", "status=\"failure\"") + ")\n/\n"
                        + perModel("llm_requests_total"), "{{model_name}}")));
        p.add(panel(op, "Errors by type", "timeseries", "reqps",
                "Failed calls per second by normalized error type (timeout, upstream_5xx, rate_limited, ...).",
                t("sum by (model_name, error_type) (" + rate("llm_errors_total", "") + ") > 0",
                        "{{model_name}} {{error_type}}")));
        p.add(panel(op, "Latency p50 / p95 / p99", "timeseries", "s",
                "End-to-end latency quantiles (failures included), from llm_request_latency_seconds.",
                t(quantile("0.5", "llm_request_latency_seconds_bucket"), "p50 {{model_name}}"),
                t(quantile("0.95", "llm_request_latency_seconds_bucket"), "p95 {{model_name}}"),
                t(quantile("0.99", "llm_request_latency_seconds_bucket"), "p99 {{model_name}}")));
        p.add(panel(op, "Time to first token p95", "timeseries", "s", "Streaming calls: time until the first token.",
                t(quantile("0.95", "llm_time_to_first_token_seconds_bucket"), "{{model_name}}")));
        p.add(panel(op, "Gateway overhead p95", "timeseries", "s",
                "Latency this gateway adds on top of the backend (end-to-end minus upstream).",
                t(quantile("0.95", "llm_gateway_overhead_seconds_bucket"), "{{model_name}}")));
        p.add(panel(op, "Signal z-scores (1-week baseline)", "timeseries", "short",
                "How many standard deviations each golden signal is from its 1-week average (recording rules of"
                        + " vitals-rules.yml; alerts beyond 3).",
                t("model_name:llm_signal:zscore_1w{model_name=~\"$model\"}", "{{model_name}} {{signal}}")));
        p.add(panel(op, "Anomaly detector z-scores", "timeseries", "short",
                "Vitals' in-process anomaly detector: z-score per model and signal.",
                t("max by (model, signal) (vitals_anomaly_zscore{model=~\"$model\"})", "{{model}} {{signal}}")));

        String cost = "Cost";
        p.add(panel(cost, "Cost per hour", "timeseries", "currencyUSD", "USD per hour at the current spend rate.",
                t(perModel("llm_cost_usd_total") + " * 3600", "{{model_name}}")));
        p.add(panel(cost, "Cost per query", "timeseries", "currencyUSD", "Average USD of one priced call.",
                t(perModel("llm_cost_usd_total") + "\n/\n"
                        + perModel("llm_query_cost_usd_count"), "{{model_name}}")));
        p.add(panel(cost, "Tokens per second", "timeseries", "short", "Input and output tokens per second.",
                t(perModel("llm_input_tokens_total"), "in {{model_name}}"),
                t(perModel("llm_output_tokens_total"), "out {{model_name}}")));
        p.add(panel(cost, "Unpriced requests", "timeseries", "reqps",
                "Calls of models without a price: their cost is unknown, not zero. Add them to the price file.",
                t(perModel("llm_unpriced_requests_total"), "{{model_name}}")));
        p.add(panel(cost, "API key budget remaining", "stat", "currencyUSD",
                "USD left in each gateway API key that has a budget.",
                t("min by (key) (vitals_api_key_budget_remaining_usd{instance=~\"$instance\"})", "{{key}}")));

        String quality = "Model quality";
        p.add(panel(quality, "Accuracy", "timeseries", "percentunit", "Evaluated accuracy per model and window.",
                t("avg by (model, window) (vitals_quality_accuracy{model=~\"$model\"})", "{{model}} {{window}}")));
        p.add(panel(quality, "Accuracy drop vs 1-week average", "timeseries", "percentunit",
                "1-week average minus 1-hour accuracy (VitalsQualityDrop pages beyond the configured drop).",
                t(ModelHealthRules.ACCURACY_1W + "{model=~\"$model\"} - " + ModelHealthRules.ACCURACY
                        + "{model=~\"$model\"}", "{{model}}")));
        p.add(panel(quality, "Label coverage", "timeseries", "percentunit",
                "Delayed ground truth: share of each model's predictions of the last quality.labelCoverageHours that have their"
                        + " actual so far (from the state store: the fleet's).",
                t("max by (model) (vitals_label_coverage_ratio{model=~\"$model\"})", "{{model}}")));

        String drift = "Drift";
        p.add(panel(drift, "Drift score", "timeseries", "short", "Drift test statistic per feature and test.",
                t("max by (model, feature, test) (vitals_drift_score{model=~\"$model\"})", "{{model}} {{feature}} {{test}}")));
        p.add(panel(drift, "Features drifting", "stat", "short", "Number of features flagged as drifting.",
                t("sum by (model) (max by (model, feature) (vitals_drift_detected{model=~\"$model\"}))", "{{model}}")));

        String business = "Business";
        p.add(panel(business, "Successful calls in range", "stat", "short",
                "Successful LLM calls in the dashboard's time range.",
                t("sum(increase(llm_requests_total{status=\"success\", " + SEL + "}[$__range]))", "calls")));
        p.add(panel(business, "Unique users", "stat", "short",
                "Distinct users (HyperLogLog estimate) per replica over the last 1 h and 24 h; replicas' sketches are not merged here.",
                t("max by (window) (vitals_unique_users{model=\"__all__\", instance=~\"$instance\"})", "{{window}}")));

        String system = "System";
        p.add(panel(system, "Process CPU", "timeseries", "short", "CPU cores used by each Vitals process.",
                t("rate(process_cpu_seconds_total{instance=~\"$instance\"}" + RI + ")", "{{instance}}")));
        p.add(panel(system, "JVM memory used", "timeseries", "bytes", "JVM heap and non-heap memory in use.",
                t("sum by (instance, area) (jvm_memory_used_bytes{instance=~\"$instance\"})", "{{instance}} {{area}}")));
        p.add(panel(system, "Host CPU", "timeseries", "percentunit",
                "Host CPU utilization and the share the Vitals process uses.",
                t("vitals_system_cpu_utilization_ratio{instance=~\"$instance\"}", "host {{instance}}"),
                t("vitals_process_cpu_utilization_ratio{instance=~\"$instance\"}", "vitals {{instance}}")));
        p.add(panel(system, "GPU utilization", "timeseries", "percentunit",
                "Utilization of each NVIDIA GPU on the hosts (nvidia-smi).",
                t("vitals_gpu_utilization_ratio{instance=~\"$instance\"}", "{{name}} {{index}} {{instance}}")));
        return p;
    }

    /** The dashboard's JSON text (pretty-printed, ending in a newline). */
    public static String json() {
        ObjectNode d = JSON.createObjectNode();
        ArrayNode inputs = d.putArray("__inputs");
        inputs.addObject().put("name", "DS_PROMETHEUS").put("label", "Prometheus")
                .put("description", "The Prometheus that scrapes Vitals and loads vitals-rules.yml")
                .put("type", "datasource").put("pluginId", "prometheus").put("pluginName", "Prometheus");
        ArrayNode req = d.putArray("__requires");
        req.addObject().put("type", "grafana").put("id", "grafana").put("name", "Grafana").put("version", "10.4.0");
        req.addObject().put("type", "datasource").put("id", "prometheus").put("name", "Prometheus").put("version", "1.0.0");
        req.addObject().put("type", "panel").put("id", "stat").put("name", "Stat").put("version", "");
        req.addObject().put("type", "panel").put("id", "timeseries").put("name", "Time series").put("version", "");
        ObjectNode ann = d.putObject("annotations").putArray("list").addObject();
        ann.put("builtIn", 1);
        ann.putObject("datasource").put("type", "grafana").put("uid", "-- Grafana --");
        ann.put("enable", true).put("hide", true).put("iconColor", "rgba(0, 211, 255, 1)")
                .put("name", "Annotations & Alerts").put("type", "dashboard");
        d.put("description", "Vital signs of AI in production: operations, cost, model quality, drift, business and system.");
        d.put("editable", true);
        d.put("fiscalYearStartMonth", 0);
        d.put("graphTooltip", 1);
        d.putNull("id");
        d.putArray("links");
        ArrayNode panels = d.putArray("panels");
        Map<String, List<DashboardPanel>> rows = new LinkedHashMap<>();
        for (DashboardPanel p : panels()) {
            rows.computeIfAbsent(p.row(), k -> new ArrayList<>()).add(p);
        }
        int id = 1;
        int y = 0;
        for (Map.Entry<String, List<DashboardPanel>> row : rows.entrySet()) {
            ObjectNode r = panels.addObject();
            r.put("collapsed", false);
            grid(r, 1, 24, 0, y);
            r.put("id", id++);
            r.putArray("panels");
            r.put("title", row.getKey());
            r.put("type", "row");
            y += 1;
            int i = 0;
            for (DashboardPanel p : row.getValue()) {
                panel(panels.addObject(), p, id++, (i % 3) * 8, y + (i / 3) * 8);
                i++;
            }
            y += ((i + 2) / 3) * 8;
        }
        d.put("refresh", "30s");
        d.put("schemaVersion", 39);
        ArrayNode tags = d.putArray("tags");
        tags.add("vitals").add("llm").add("ai");
        ArrayNode vars = d.putObject("templating").putArray("list");
        variable(vars.addObject(), "model", "Model", "label_values(llm_requests_total, model_name)");
        variable(vars.addObject(), "instance", "Instance", "label_values(llm_requests_total{model_name=~\"$model\"}, instance)");
        d.putObject("time").put("from", "now-6h").put("to", "now");
        d.putObject("timepicker");
        d.put("timezone", "");
        d.put("title", "Vitals: AI in production");
        d.put("uid", UID);
        d.put("version", 1);
        d.put("weekStart", "");
        try {
            DefaultPrettyPrinter pp = new DefaultPrettyPrinter(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER)
                    .withArrayEmptySeparator("").withObjectEmptySeparator(""));
            DefaultIndenter nl = new DefaultIndenter("  ", "\n");
            pp.indentObjectsWith(nl);
            pp.indentArraysWith(nl);
            return JSON.writer(pp).writeValueAsString(d) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void grid(ObjectNode n, int h, int w, int x, int y) {
        n.putObject("gridPos").put("h", h).put("w", w).put("x", x).put("y", y);
    }

    private static void datasource(ObjectNode n) {
        n.putObject("datasource").put("type", "prometheus").put("uid", DS);
    }

    private static void panel(ObjectNode n, DashboardPanel p, int id, int x, int y) {
        datasource(n);
        String desc = p.description();
        n.put("description", desc);
        ObjectNode fieldConfig = n.putObject("fieldConfig");
        ObjectNode defaults = fieldConfig.putObject("defaults");
        defaults.putObject("color").put("mode", p.type().equals("stat") ? "thresholds" : "palette-classic");
        if (p.type().equals("timeseries")) {
            ObjectNode custom = defaults.putObject("custom");
            custom.put("drawStyle", "line").put("fillOpacity", 10).put("lineWidth", 1).put("showPoints", "never")
                    .put("spanNulls", false);
        }
        defaults.putArray("mappings");
        ObjectNode th = defaults.putObject("thresholds");
        th.put("mode", "absolute");
        ArrayNode steps = th.putArray("steps");
        steps.addObject().put("color", "green").putNull("value");
        defaults.put("unit", p.unit());
        fieldConfig.putArray("overrides");
        grid(n, 8, 8, x, y);
        n.put("id", id);
        ObjectNode opts = n.putObject("options");
        if (p.type().equals("stat")) {
            opts.put("colorMode", "value").put("graphMode", "area").put("justifyMode", "auto").put("orientation", "auto");
            ObjectNode reduce = opts.putObject("reduceOptions");
            reduce.putArray("calcs").add("lastNotNull");
            reduce.put("fields", "").put("values", false);
            opts.put("textMode", "auto");
        } else {
            ObjectNode legend = opts.putObject("legend");
            legend.putArray("calcs");
            legend.put("displayMode", "list").put("placement", "bottom").put("showLegend", true);
            opts.putObject("tooltip").put("mode", "multi").put("sort", "desc");
        }
        ArrayNode targets = n.putArray("targets");
        char ref = 'A';
        for (DashboardPanel.Target t : p.targets()) {
            ObjectNode tn = targets.addObject();
            datasource(tn);
            tn.put("editorMode", "code");
            tn.put("expr", t.expr());
            tn.put("legendFormat", t.legend());
            tn.put("range", true);
            tn.put("refId", String.valueOf(ref++));
        }
        n.put("title", p.title());
        n.put("type", p.type());
    }

    private static void variable(ObjectNode v, String name, String label, String query) {
        v.putObject("current");
        datasource(v);
        v.put("definition", query);
        v.put("hide", 0);
        v.put("includeAll", true);
        v.put("label", label);
        v.put("multi", true);
        v.put("name", name);
        v.putArray("options");
        v.putObject("query").put("qryType", 1).put("query", query).put("refId", "PrometheusVariableQueryEditor-VariableQuery");
        v.put("refresh", 2);
        v.put("regex", "");
        v.put("skipUrlSync", false);
        v.put("sort", 1);
        v.put("type", "query");
    }
}
