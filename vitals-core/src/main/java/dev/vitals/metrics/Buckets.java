package dev.vitals.metrics;

/** Bucket boundaries used by the metric families, in one place so tests and docs pin them. */
public final class Buckets {
    private Buckets() {
    }

    /**
     * End-to-end and upstream latency, seconds: fine below a second, and up to 600 s so that a
     * five- or ten-minute generation lands in a bucket rather than only in +Inf.
     */
    public static final double[] LATENCY_SECONDS = {
        0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 15, 20, 30, 45, 60,
        90, 120, 180, 240, 300, 420, 600
    };

    /** The source document's response length buckets, characters (+Inf is implicit). */
    public static final double[] RESPONSE_LENGTH_CHARS = {0, 50, 100, 200, 500, 1000};

    /** Gateway overhead, seconds: from 10 µs to 1 s. */
    public static final double[] OVERHEAD_SECONDS = {
        0.00001, 0.000025, 0.00005, 0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1
    };

    /** Cost of one query, USD: from a hundredth of a cent to 10 dollars. */
    public static final double[] COST_USD = {
        0.00001, 0.00005, 0.0001, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10
    };

    /** OpenTelemetry GenAI {@code gen_ai.client.token.usage} boundaries. */
    public static final double[] GENAI_TOKEN_USAGE = {
        1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864
    };

    /** OpenTelemetry GenAI {@code gen_ai.client.operation.duration} boundaries, seconds. */
    public static final double[] GENAI_OPERATION_DURATION = {
        0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92
    };

    /** OpenTelemetry GenAI {@code gen_ai.server.time_to_first_token} boundaries, seconds. */
    public static final double[] GENAI_TIME_TO_FIRST_TOKEN = {
        0.001, 0.005, 0.01, 0.02, 0.04, 0.06, 0.08, 0.1, 0.25, 0.5, 0.75, 1.0, 2.5, 5.0, 7.5, 10.0
    };

    /** OpenTelemetry GenAI {@code gen_ai.server.time_per_output_token} boundaries, seconds. */
    public static final double[] GENAI_TIME_PER_OUTPUT_TOKEN = {
        0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.2, 0.3, 0.4, 0.5, 0.75, 1.0, 2.5
    };
}
