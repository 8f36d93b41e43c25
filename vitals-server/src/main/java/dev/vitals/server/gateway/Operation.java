package dev.vitals.server.gateway;

/**
 * The OpenAI API operations the gateway serves, with their OpenTelemetry {@code gen_ai.operation.name}
 * and the path below an upstream's base URL. The Responses API is a chat operation in the semantic conventions.
 */
public enum Operation {
    CHAT("chat", "/chat/completions"),
    TEXT_COMPLETION("text_completion", "/completions"),
    EMBEDDINGS("embeddings", "/embeddings"),
    RESPONSES("chat", "/responses");

    private final String semconv;
    private final String path;

    Operation(String semconv, String path) {
        this.semconv = semconv;
        this.path = path;
    }

    /** The {@code gen_ai.operation.name} value. */
    public String semconvName() {
        return semconv;
    }

    /** The path appended to an OpenAI-compatible base URL. */
    public String path() {
        return path;
    }
}
