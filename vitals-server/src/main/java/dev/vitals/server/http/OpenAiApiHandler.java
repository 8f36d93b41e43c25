package dev.vitals.server.http;

import dev.vitals.server.gateway.Gateway;
import dev.vitals.server.gateway.Operation;
import io.vertx.core.Handler;
import io.vertx.ext.web.RoutingContext;

/**
 * {@code POST /v1/embeddings}, {@code POST /v1/completions} and {@code POST /v1/responses} (streaming too):
 * validated, routed with fallbacks, answered and recorded by {@link ChatHandler}'s pipeline (key spend, drift,
 * business, custom labels; streams through {@link SseRelay}), each call labelled with its {@code gen_ai.operation.name}.
 */
final class OpenAiApiHandler {
    private final ChatHandler chat;

    /** The gateway and default model are the chat handler's own; kept in the signature its callers use. */
    OpenAiApiHandler(Gateway gateway, String defaultModel, ChatHandler chat) {
        this.chat = chat;
    }

    Handler<RoutingContext> embeddings() {
        return chat.handler(Operation.EMBEDDINGS, ApiRequests::embeddings);
    }

    Handler<RoutingContext> completions() {
        return chat.handler(Operation.TEXT_COMPLETION, ApiRequests::completions);
    }

    Handler<RoutingContext> responses() {
        return chat.handler(Operation.RESPONSES, ApiRequests::responses);
    }
}
