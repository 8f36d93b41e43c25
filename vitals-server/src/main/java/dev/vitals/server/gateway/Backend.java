package dev.vitals.server.gateway;

import io.vertx.core.Future;

/**
 * A model backend: the embedded simulated model or an OpenAI-compatible upstream. Failures are
 * {@link BackendException}s with a normalized error type. Implementations never block the event loop.
 */
public interface Backend {
    /** The configured name. */
    String name();

    /** The provider label, e.g. {@code openai}, {@code vitals}. */
    String provider();

    /** Whether this backend serves {@code model}. */
    boolean serves(String model);

    /** The model names this backend lists in {@code /v1/models} (no wildcards). */
    java.util.List<String> models();

    /** A non-streaming completion. */
    Future<Completion> complete(ChatRequest request);

    /** Opens a stream; fails before any byte reached the client when the backend refuses. */
    Future<ChatStream> stream(ChatRequest request);

    /** Releases connections. */
    default Future<Void> close() {
        return Future.succeededFuture();
    }
}
