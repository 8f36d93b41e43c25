package dev.vitals.series;

import java.util.Locale;

/** The per-model signals the sampler keeps, one value per interval. */
public enum Signal {
    /** Requests per second over the interval. */
    REQUEST_RATE("req/s"),
    /** Failed share of the interval's requests (NaN without requests). */
    ERROR_RATIO("ratio"),
    /** Latency quantiles of the interval, seconds. */
    LATENCY_P50("s"),
    LATENCY_P95("s"),
    LATENCY_P99("s"),
    /** 95th percentile time to first token of streams, seconds. */
    TTFT_P95("s"),
    /** Input and output tokens per second. */
    INPUT_TOKENS_RATE("tokens/s"),
    OUTPUT_TOKENS_RATE("tokens/s"),
    /** Mean tokens (input + output) per request. */
    TOKENS_PER_REQUEST("tokens"),
    /** USD per hour at the interval's spend rate. */
    COST_PER_HOUR("USD/h"),
    /** Mean USD per priced request. */
    COST_PER_QUERY("USD");

    /** The constant's name in lower case: one spelling, so a key can never drift from its constant. */
    private final String key = name().toLowerCase(Locale.ROOT);
    private final String unit;

    Signal(String unit) {
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
