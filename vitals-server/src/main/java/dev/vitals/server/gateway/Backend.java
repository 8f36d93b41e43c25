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

    /**
     * A non-streaming call of {@code op}: {@code /v1/completions}, {@code /v1/embeddings} or {@code /v1/responses}
     * answer the upstream's JSON in {@link Completion#body()}. Backends that do not serve the operation fail
     * with {@link dev.vitals.llm.ErrorType#INVALID_REQUEST}.
     */
    default Future<Completion> complete(Operation op, ChatRequest request) {
        return op == Operation.CHAT ? complete(request) : Future.failedFuture(unsupported(op));
    }

    /** A stream of {@code op} (chat or responses). */
    default Future<ChatStream> stream(Operation op, ChatRequest request) {
        return op == Operation.CHAT ? stream(request) : Future.failedFuture(unsupported(op));
    }

    private BackendException unsupported(Operation op) {
        return new BackendException(dev.vitals.llm.ErrorType.INVALID_REQUEST, "backend '" + name() + "' does not serve "
                + op.path().substring(1));
    }

    /** The upstream's base URL (traces' {@code server.address}), or {@code null} for an embedded backend. */
    default java.net.URI endpoint() {
        return null;
    }

    /** Releases connections. */
    default Future<Void> close() {
        return Future.succeededFuture();
    }
}
