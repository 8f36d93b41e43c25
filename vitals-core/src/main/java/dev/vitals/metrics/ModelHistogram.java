package dev.vitals.metrics;

import io.prometheus.metrics.model.snapshots.Unit;

/** The source family's classic histograms labelled by model alone; {@code bounds} null: the configured latency buckets. */
enum ModelHistogram {
    LATENCY("llm_request_latency_seconds", "Latency of LLM generation requests in seconds, failures included.",
            Unit.SECONDS, null),
    RESPONSE_LENGTH("llm_response_length_characters", "Length of LLM responses in characters.",
            null, Buckets.RESPONSE_LENGTH_CHARS),
    QUERY_COST("llm_query_cost_usd", "Distribution of the cost of one priced LLM call in USD.", null, Buckets.COST_USD),
    UPSTREAM_LATENCY("llm_upstream_latency_seconds", "Time spent waiting on the model backend in seconds.",
            Unit.SECONDS, null),
    OVERHEAD("llm_gateway_overhead_seconds",
            "Latency the gateway added: end-to-end latency minus upstream latency, seconds.",
            Unit.SECONDS, Buckets.OVERHEAD_SECONDS),
    TIME_TO_FIRST_TOKEN("llm_time_to_first_token_seconds",
            "Time from the request's start to the first streamed output token, seconds.",
            Unit.SECONDS, Buckets.GENAI_TIME_TO_FIRST_TOKEN),
    TIME_PER_OUTPUT_TOKEN("llm_time_per_output_token_seconds",
            "Streams: (end - first token) / (output tokens - 1), seconds.",
            Unit.SECONDS, Buckets.GENAI_TIME_PER_OUTPUT_TOKEN);

    final String metric;
    final String help;
    final Unit unit;
    final double[] bounds;

    ModelHistogram(String metric, String help, Unit unit, double[] bounds) {
        this.metric = metric;
        this.help = help;
        this.unit = unit;
        this.bounds = bounds;
    }
}
