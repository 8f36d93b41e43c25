package dev.vitals.server.gateway;

import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonObject;

/**
 * A validated chat request. {@code body} is the client's JSON as received (forwarded to upstreams);
 * {@code rawBody} its bytes when they can be forwarded unchanged. Prompt text is kept only inside
 * {@code body} and never logged or used as a label.
 *
 * <p>A request validated in one streaming pass over its bytes carries no tree: {@link #body()} decodes
 * one only when something asks for it (the hot path asks {@link #has} and {@link #user} instead).
 */
public final class ChatRequest {
    private final String model;
    private volatile JsonObject body;
    private final Buffer rawBody;
    private final boolean stream;
    private final boolean clientWantsUsage;
    private final String promptText;
    private final int messageCount;
    /** Top-level keys of a request read without a tree, else {@code null}. */
    private final String[] keys;
    private final String user;
    private final String context;

    /**
     * @param model the requested model
     * @param body the request JSON
     * @param rawBody the request bytes, or {@code null} when the body was built by the server
     * @param stream whether the client asked for Server-Sent Events
     * @param clientWantsUsage whether the client asked for the usage chunk ({@code stream_options.include_usage})
     * @param promptText all message text joined, used by the simulated model and for estimates
     * @param messageCount number of messages
     */
    public ChatRequest(String model, JsonObject body, Buffer rawBody, boolean stream, boolean clientWantsUsage,
                       String promptText, int messageCount) {
        this(model, body, rawBody, stream, clientWantsUsage, promptText, messageCount, null, null, null);
    }

    private ChatRequest(String model, JsonObject body, Buffer rawBody, boolean stream, boolean clientWantsUsage,
                        String promptText, int messageCount, String[] keys, String user, String context) {
        this.model = model;
        this.body = body;
        this.rawBody = rawBody;
        this.stream = stream;
        this.clientWantsUsage = clientWantsUsage;
        this.promptText = promptText;
        this.messageCount = messageCount;
        this.keys = keys;
        this.user = user;
        this.context = context;
    }

    /**
     * A request validated without a tree, from its bytes as received.
     *
     * @param keys its top-level keys
     * @param user its {@code user} when that is a string, else {@code null}
     * @param context the text of its system, developer and tool messages joined by newlines, or {@code null}
     */
    public static ChatRequest streamed(String model, Buffer rawBody, boolean stream, boolean clientWantsUsage, String promptText,
                                       int messageCount, String[] keys, String user, String context) {
        return new ChatRequest(model, null, rawBody, stream, clientWantsUsage, promptText, messageCount, keys, user, context);
    }

    public String model() {
        return model;
    }

    /** The request JSON; decoded from the bytes on first use for a request read without a tree. */
    public JsonObject body() {
        JsonObject b = body;
        if (b == null) {
            b = (JsonObject) Json.decodeValue(rawBody); // validated already
            body = b;
        }
        return b;
    }

    public Buffer rawBody() {
        return rawBody;
    }

    public boolean stream() {
        return stream;
    }

    public boolean clientWantsUsage() {
        return clientWantsUsage;
    }

    public String promptText() {
        return promptText;
    }

    public int messageCount() {
        return messageCount;
    }

    /** Whether the request has the top-level key (also when its value is {@code null}). */
    public boolean has(String key) {
        if (keys == null) {
            return body().containsKey(key);
        }
        for (String k : keys) {
            if (k.equals(key)) {
                return true;
            }
        }
        return false;
    }

    /** The request's {@code user} when it is a string, else {@code null}. */
    public String user() {
        if (keys == null) {
            return body().getValue("user") instanceof String u ? u : null;
        }
        return user;
    }

    /**
     * The text of the system, developer and tool messages (string contents) joined by newlines, or
     * {@code null} when there is none: what evaluators read as the context the answer had.
     */
    public String context() {
        if (keys != null) {
            return context;
        }
        StringBuilder sb = new StringBuilder();
        if (body().getValue("messages") instanceof io.vertx.core.json.JsonArray msgs) {
            for (Object o : msgs) {
                if (o instanceof JsonObject m && (m.getValue("role") instanceof String role) && isContextRole(role)
                        && m.getValue("content") instanceof String s) {
                    if (!sb.isEmpty()) {
                        sb.append('\n');
                    }
                    sb.append(s);
                }
            }
        }
        return sb.isEmpty() ? null : sb.toString();
    }

    /** Roles whose messages are context for an answer rather than its question. */
    public static boolean isContextRole(String role) {
        return role.equals("system") || role.equals("developer") || role.equals("tool");
    }
}
