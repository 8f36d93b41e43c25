package dev.vitals.server.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;

/**
 * A validated chat request. {@code body} is the client's JSON as received (forwarded to upstreams);
 * {@code rawBody} its bytes when they can be forwarded unchanged. Prompt text is kept only inside
 * {@code body} and never logged or used as a label.
 *
 * @param model the requested model
 * @param body the request JSON
 * @param rawBody the request bytes, or {@code null} when the body was built by the server
 * @param stream whether the client asked for Server-Sent Events
 * @param clientWantsUsage whether the client asked for the usage chunk ({@code stream_options.include_usage})
 * @param promptText all message text joined, used by the simulated model and for estimates
 * @param messageCount number of messages
 */
public record ChatRequest(String model, JsonObject body, Buffer rawBody, boolean stream, boolean clientWantsUsage,
                          String promptText, int messageCount) {
}
