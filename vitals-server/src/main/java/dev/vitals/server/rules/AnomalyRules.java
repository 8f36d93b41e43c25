package dev.vitals.server.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Z-score anomaly detection inside Prometheus, in the style of GitLab's and Grafana's
 * recording-rule frameworks: each golden signal is recorded again as one series name with a
 * {@code signal} label, its 1-week average and standard deviation are recorded, and
 * {@code z = (x - avg_over_time(x[1w])) / stddev_over_time(x[1w])}. The standard deviation has a floor
 * (10% of the average, at least an absolute amount per signal) so a signal that was flat all week
 * does not turn tiny wobbles into huge z-scores.
 */
final class AnomalyRules {
    /** The {@code level:metric:} of every series here: one name per statistic, the signal is a label. */
    private static final String SERIES = "model_name:llm_signal:";
    static final String VALUE = SERIES + "value5m";
    static final String AVG = SERIES + "avg_over_time_1w";
    static final String STDDEV = SERIES + "stddev_over_time_1w";
    static final String FLOOR = SERIES + "stddev_floor_1w";
    static final String ZSCORE = SERIES + "zscore_1w";

    /** A signal: its name, the recorded series, the stddev floor, and whether a drop is news too. */
    record Signal(String name, String expr, String floor, boolean bothWays) {
    }

    static final List<Signal> SIGNALS = List.of(
            // a drop in traffic is news (clients broken, routing lost), so is a surge
            new Signal("request_rate", GoldenSignalRules.REQUESTS_RATE5M, "0.01", true),
            // fewer errors or faster answers are not worth a ticket
            new Signal("error_ratio", withTraffic(GoldenSignalRules.ERROR_RATIO_RATE5M), "0.01", false),
            new Signal("latency_p95", withTraffic(GoldenSignalRules.LATENCY_P95), "0.05", false),
            new Signal("output_tokens_rate", GoldenSignalRules.OUTPUT_TOKENS_RATE5M, "1", true),
            new Signal("cost_per_hour", GoldenSignalRules.COST_PER_HOUR, "0.01", true));

    private AnomalyRules() {
    }

    /** Ratios and quantiles are NaN without traffic; a NaN would poison a week of averages. */
    private static String withTraffic(String series) {
        return series + " and on (model_name) (" + GoldenSignalRules.REQUESTS_RATE5M + " > 0)";
    }

    static RuleGroup group() {
        List<Rule> r = new ArrayList<>();
        for (Signal s : SIGNALS) {
            r.add(Rule.record(VALUE, s.expr(), Map.of("signal", s.name())));
        }
        r.add(Rule.record(AVG, "avg_over_time(" + VALUE + "[1w])"));
        r.add(Rule.record(STDDEV, "stddev_over_time(" + VALUE + "[1w])"));
        for (Signal s : SIGNALS) {
            r.add(Rule.record(FLOOR, "clamp_min(0.1 * abs(" + AVG + "{signal=\"" + s.name() + "\"}), " + s.floor() + ")",
                    Map.of("signal", s.name())));
        }
        r.add(Rule.record(ZSCORE, "(" + VALUE + " - " + AVG + ")\n/\n(" + STDDEV + " > " + FLOOR + " or " + FLOOR + ")"));
        return new RuleGroup("vitals-anomaly-zscore", r);
    }

    static RuleGroup alertGroup(RulesParams p) {
        String min = Promql.num(p.minRequestRate());
        List<String> both = SIGNALS.stream().filter(s -> s.bothWays() && !s.name().equals("request_rate")).map(Signal::name).toList();
        List<Rule> r = new ArrayList<>();
        r.add(Rule.alert("VitalsTrafficAnomaly")
                .expr("(\n  " + ZSCORE + "{signal=\"request_rate\"} > 3\n  or\n  " + ZSCORE + "{signal=\"request_rate\"} < -3\n)\n"
                        + "and on (model_name)\n" + AVG + "{signal=\"request_rate\"} >= " + min)
                .forDuration("10m").severity("ticket").label("category", "anomaly")
                .summary("Traffic of {{ $labels.model_name }} is unusual for this time of week")
                .description("The request rate of {{ $labels.model_name }} is {{ $value | humanize }} standard deviations"
                        + " from its 1-week average (alerts beyond 3 for 10m, for models averaging at least " + min + " requests/s).")
                .runbook("Check whether a client or a route changed: vitals_http_requests_total by route and code,"
                        + " vitals_auth_refusals_total, and the callers' own deploys; a drop to zero often means traffic"
                        + " goes elsewhere or fails before reaching the gateway.")
                .build());
        r.add(Rule.alert("VitalsSignalAnomaly")
                .expr("(\n  " + ZSCORE + "{signal!=\"request_rate\"} > 3\n  or\n  " + ZSCORE + "{signal=~\""
                        + String.join("|", both) + "\"} < -3\n)\n"
                        + "and on (model_name)\n" + GoldenSignalRules.REQUESTS_RATE5M + " >= " + min)
                .forDuration("10m").severity("ticket").label("category", "anomaly")
                .summary("{{ $labels.signal }} of {{ $labels.model_name }} is unusual for this time of week")
                .description("{{ $labels.signal }} of {{ $labels.model_name }} is {{ $value | humanize }} standard deviations"
                        + " from its 1-week average (alerts beyond 3 for 10m while the model serves at least " + min
                        + " requests/s; error ratio and latency only alert upwards).")
                .runbook("Open the Vitals dashboard for {{ $labels.model_name }} and compare the signal with last week:"
                        + " error_ratio -> llm_errors_total by error_type; latency_p95 -> upstream vs gateway overhead;"
                        + " output_tokens_rate and cost_per_hour -> prompt or client changes, price catalog version.")
                .build());
        return new RuleGroup("vitals-anomaly-alerts", r);
    }
}
