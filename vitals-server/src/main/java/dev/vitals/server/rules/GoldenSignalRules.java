package dev.vitals.server.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Recording rules of the golden signals per model over 5 minutes. Every rule aggregates
 * {@code sum by (model_name)}, so instance, job and pod labels fold away and the series mean the
 * same for one replica or fifty.
 */
final class GoldenSignalRules {
    static final String REQUESTS_RATE5M = "model_name:llm_requests:rate5m";
    static final String ERROR_RATIO_RATE5M = "model_name:llm_request_errors:ratio_rate5m";
    static final String LATENCY_P95 = "model_name:llm_request_latency_seconds:p95_rate5m";
    static final String OUTPUT_TOKENS_RATE5M = "model_name:llm_output_tokens:rate5m";
    static final String COST_PER_HOUR = "model_name:llm_cost_usd_per_hour:rate5m";

    private GoldenSignalRules() {
    }

    static RuleGroup group() {
        List<Rule> r = new ArrayList<>();
        r.add(Rule.record(REQUESTS_RATE5M, "sum by (model_name) (rate(llm_requests_total[5m]))"));
        r.add(Rule.record(ERROR_RATIO_RATE5M, SloRules.errorRatio("5m")));
        for (String[] q : new String[][] {{"50", "0.5"}, {"95", "0.95"}, {"99", "0.99"}}) {
            r.add(Rule.record("model_name:llm_request_latency_seconds:p" + q[0] + "_rate5m",
                    quantile(q[1], "llm_request_latency_seconds_bucket")));
        }
        r.add(Rule.record("model_name:llm_time_to_first_token_seconds:p95_rate5m",
                quantile("0.95", "llm_time_to_first_token_seconds_bucket")));
        r.add(Rule.record("model_name:llm_gateway_overhead_seconds:p95_rate5m",
                quantile("0.95", "llm_gateway_overhead_seconds_bucket")));
        r.add(Rule.record("model_name:llm_input_tokens:rate5m", "sum by (model_name) (rate(llm_input_tokens_total[5m]))"));
        r.add(Rule.record(OUTPUT_TOKENS_RATE5M, "sum by (model_name) (rate(llm_output_tokens_total[5m]))"));
        r.add(Rule.record(COST_PER_HOUR, "sum by (model_name) (rate(llm_cost_usd_total[5m])) * 3600"));
        // priced calls only: llm_query_cost_usd counts exactly the calls that had a price
        r.add(Rule.record("model_name:llm_cost_usd_per_query:rate5m",
                "sum by (model_name) (rate(llm_cost_usd_total[5m]))\n/\nsum by (model_name) (rate(llm_query_cost_usd_count[5m]))"));
        // token cost per call of the model plus the servers' compute cost (pricing.cpuCoreHourUsd,
        // gpuHourUsd) per call of any model: compute is shared, so every call carries the same part
        r.add(Rule.record("model_name:llm_cost_usd_per_query_with_compute:rate5m",
                "sum by (model_name) (rate(llm_cost_usd_total[5m]))\n/\nsum by (model_name) (rate(llm_requests_total[5m]))\n"
                        + "+ on () group_left ()\n(sum(rate(vitals_compute_cost_usd_total[5m])) / sum(rate(llm_requests_total[5m])))"));
        return new RuleGroup("vitals-golden-signals", r);
    }

    static String quantile(String q, String bucket) {
        return "histogram_quantile(" + q + ", sum by (model_name, le) (rate(" + bucket + "[5m])))";
    }
}
