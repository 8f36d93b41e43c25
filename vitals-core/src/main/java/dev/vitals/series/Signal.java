package dev.vitals.series;

/** The per-model signals the sampler keeps, one value per interval. */
public enum Signal {
    /** Requests per second over the interval. */
    REQUEST_RATE("request_rate", "req/s"),
    /** Failed share of the interval's requests (NaN without requests). */
    ERROR_RATIO("error_ratio", "ratio"),
    /** Latency quantiles of the interval, seconds. */
    LATENCY_P50("latency_p50", "s"),
    LATENCY_P95("latency_p95", "s"),
    LATENCY_P99("latency_p99", "s"),
    /** 95th percentile time to first token of streams, seconds. */
    TTFT_P95("ttft_p95", "s"),
    /** Input and output tokens per second. */
    INPUT_TOKENS_RATE("input_tokens_rate", "tokens/s"),
    OUTPUT_TOKENS_RATE("output_tokens_rate", "tokens/s"),
    /** Mean tokens (input + output) per request. */
    TOKENS_PER_REQUEST("tokens_per_request", "tokens"),
    /** USD per hour at the interval's spend rate. */
    COST_PER_HOUR("cost_per_hour", "USD/h"),
    /** Mean USD per priced request. */
    COST_PER_QUERY("cost_per_query", "USD");

    private final String key;
    private final String unit;

    Signal(String key, String unit) {
        this.key = key;
        this.unit = unit;
    }

    /** The name used in JSON and in the {@code signal} label. */
    public String key() {
        return key;
    }

    public String unit() {
        return unit;
    }

    /** The signal with this key, or null. */
    public static Signal of(String key) {
        for (Signal s : values()) {
            if (s.key.equals(key)) {
                return s;
            }
        }
        return null;
    }
}
