package dev.vitals.server.http;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.gateway.ChatRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/** Parses and validates request bodies; every problem becomes a {@link ApiException} naming the field. */
final class ChatRequests {
    static final int MAX_MODEL_NAME = 256;

    private ChatRequests() {
    }

    static JsonObject object(Buffer body) {
        if (body == null || body.length() == 0) {
            throw new ApiException("empty_body", "request body is empty; expected a JSON object");
        }
        Object v;
        try {
            v = Json.decodeValue(body);
        } catch (DecodeException e) {
            throw new ApiException("invalid_json", "request body is not valid JSON");
        }
        if (!(v instanceof JsonObject o)) {
            throw new ApiException("invalid_body", "request body must be a JSON object, got " + kind(v));
        }
        return o;
    }

    static String kind(Object v) {
        if (v == null) {
            return "null";
        }
        if (v instanceof JsonArray) {
            return "an array";
        }
        if (v instanceof JsonObject) {
            return "an object";
        }
        if (v instanceof String) {
            return "a string";
        }
        if (v instanceof Boolean) {
            return "a boolean";
        }
        if (v instanceof Number) {
            return "a number";
        }
        return v.getClass().getSimpleName();
    }

    /** Validates an OpenAI chat completion request. */
    static ChatRequest chat(Buffer raw, String defaultModel) {
        JsonObject o = object(raw);
        Object m = o.getValue("model");
        String model;
        if (m == null) {
            model = defaultModel;
        } else if (m instanceof String s && !s.isBlank() && s.length() <= MAX_MODEL_NAME) {
            model = s;
        } else {
            throw new ApiException("invalid_model", "'model' must be a non-empty string of at most " + MAX_MODEL_NAME
                    + " characters, got " + kind(m));
        }
        Object msgs = o.getValue("messages");
        if (!(msgs instanceof JsonArray arr) || arr.isEmpty()) {
            throw new ApiException("invalid_messages", "'messages' must be a non-empty array, got "
                    + (msgs instanceof JsonArray ? "an empty array" : kind(msgs)));
        }
        StringBuilder prompt = new StringBuilder();
        for (int i = 0; i < arr.size(); i++) {
            if (!(arr.getValue(i) instanceof JsonObject msg)) {
                throw new ApiException("invalid_messages", "'messages[" + i + "]' must be an object, got " + kind(arr.getValue(i)));
            }
            if (!(msg.getValue("role") instanceof String)) {
                throw new ApiException("invalid_messages", "'messages[" + i + "].role' must be a string, got " + kind(msg.getValue("role")));
            }
            Object content = msg.getValue("content");
            if (content instanceof String s) {
                append(prompt, s);
            } else if (content instanceof JsonArray parts) {
                for (int j = 0; j < parts.size(); j++) {
                    if (!(parts.getValue(j) instanceof JsonObject part)) {
                        throw new ApiException("invalid_messages", "'messages[" + i + "].content[" + j + "]' must be an object");
                    }
                    if (part.getValue("text") instanceof String t) {
                        append(prompt, t);
                    }
                }
            } else if (content != null) {
                throw new ApiException("invalid_messages", "'messages[" + i + "].content' must be a string, an array or null, got "
                        + kind(content));
            }
        }
        Object stream = o.getValue("stream");
        if (stream != null && !(stream instanceof Boolean)) {
            throw new ApiException("invalid_stream", "'stream' must be a boolean, got " + kind(stream));
        }
        boolean wantsUsage = false;
        Object so = o.getValue("stream_options");
        if (so != null) {
            if (!(so instanceof JsonObject soj)) {
                throw new ApiException("invalid_stream_options", "'stream_options' must be an object, got " + kind(so));
            }
            Object iu = soj.getValue("include_usage");
            if (iu != null && !(iu instanceof Boolean)) {
                throw new ApiException("invalid_stream_options", "'stream_options.include_usage' must be a boolean, got " + kind(iu));
            }
            wantsUsage = Boolean.TRUE.equals(iu);
        }
        if (m == null) {
            o.put("model", model);
            raw = null; // the upstream needs the model we chose
        }
        return new ChatRequest(model, o, raw, Boolean.TRUE.equals(stream), wantsUsage, prompt.toString(), arr.size());
    }

    private static void append(StringBuilder sb, String s) {
        if (!sb.isEmpty()) {
            sb.append('\n');
        }
        sb.append(s);
    }

    /** The source document's /generate body: {@code {"prompt": "..."}}, prompt defaulting to "Tell me a story.". */
    static ChatRequest generate(Buffer raw, String model) {
        JsonObject o = object(raw);
        Object p = o.getValue("prompt");
        String prompt;
        if (p == null) {
            prompt = "Tell me a story.";
        } else if (p instanceof String s) {
            prompt = s;
        } else {
            throw new ApiException("invalid_prompt", "'prompt' must be a string, got " + kind(p));
        }
        JsonObject body = new JsonObject().put("model", model)
                .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", prompt)));
        return new ChatRequest(model, body, null, false, false, prompt, 1);
    }
}
