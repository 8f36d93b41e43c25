package dev.vitals.server.http;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.gateway.ChatRequest;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.core.json.jackson.JacksonCodec;
import java.io.IOException;
import java.util.Arrays;

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

    /**
     * Validates an OpenAI chat completion request. A request that is valid as it stands is read in one
     * streaming pass, without a tree; anything else (an error to report, a key given twice, no model,
     * bytes after the object) is read again by {@link #chatTree}, which words every error.
     */
    static ChatRequest chat(Buffer raw, String defaultModel) {
        if (raw != null && raw.length() > 0) {
            ChatRequest r = ChatPass.read(raw);
            if (r != null) {
                return r;
            }
        }
        return chatTree(raw, defaultModel);
    }

    /** Validates an OpenAI chat completion request through a {@code JsonObject} tree. */
    static ChatRequest chatTree(Buffer raw, String defaultModel) {
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
            ApiRequests.content(msg.getValue("content"), "messages", i, "invalid_messages", "a string, an array or null", prompt);
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

    /** The streaming pass: a request, or {@code null} for anything the tree must judge. */
    private static final class ChatPass {
        private final JsonParser p;
        private final StringBuilder prompt = new StringBuilder();
        private StringBuilder context;
        private String[] keys = new String[8];
        private int nKeys;

        private ChatPass(JsonParser p) {
            this.p = p;
        }

        static ChatRequest read(Buffer raw) {
            try (JsonParser p = JacksonCodec.createParser(raw)) {
                return new ChatPass(p).request(raw);
            } catch (IOException | RuntimeException e) {
                return null; // the tree words the error
            }
        }

        private ChatRequest request(Buffer raw) throws IOException {
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return null;
            }
            String model = null;
            int messages = -1;
            boolean stream = false;
            boolean wantsUsage = false;
            String user = null;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                for (int i = 0; i < nKeys; i++) {
                    if (keys[i].equals(name)) {
                        return null; // given twice: the tree keeps the last
                    }
                }
                if (nKeys == keys.length) {
                    keys = Arrays.copyOf(keys, nKeys * 2);
                }
                keys[nKeys++] = name;
                JsonToken t = p.nextToken();
                switch (name) {
                    case "model" -> {
                        if (t != JsonToken.VALUE_STRING) {
                            return null;
                        }
                        model = p.getText();
                        if (model.isBlank() || model.length() > MAX_MODEL_NAME) {
                            return null;
                        }
                    }
                    case "messages" -> {
                        messages = messages();
                        if (messages <= 0) {
                            return null;
                        }
                    }
                    case "stream" -> {
                        if (t != JsonToken.VALUE_NULL && !t.isBoolean()) {
                            return null;
                        }
                        stream = t == JsonToken.VALUE_TRUE;
                    }
                    case "stream_options" -> {
                        if (t == JsonToken.START_OBJECT) {
                            Boolean iu = includeUsage();
                            if (iu == null) {
                                return null;
                            }
                            wantsUsage = iu;
                        } else if (t != JsonToken.VALUE_NULL) {
                            return null;
                        }
                    }
                    case "user" -> {
                        user = t == JsonToken.VALUE_STRING ? p.getText() : null;
                        p.skipChildren();
                    }
                    default -> p.skipChildren();
                }
            }
            if (model == null || messages <= 0 || p.nextToken() != null) {
                return null;
            }
            return ChatRequest.streamed(model, raw, stream, wantsUsage, prompt.toString(), messages,
                    Arrays.copyOf(keys, nKeys), user, context == null || context.isEmpty() ? null : context.toString());
        }

        /** The messages array: how many, or -1 when the tree must judge it. */
        private int messages() throws IOException {
            if (p.currentToken() != JsonToken.START_ARRAY) {
                return -1;
            }
            int n = 0;
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT || !message()) {
                    return -1;
                }
                n++;
            }
            return n;
        }

        /** One message: role a string; content a string, null, absent, or an array of objects. */
        private boolean message() throws IOException {
            String role = null;
            String content = null;
            boolean seenContent = false;
            int promptMark = prompt.length();
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("role".equals(name)) {
                    if (role != null || t != JsonToken.VALUE_STRING) {
                        return false;
                    }
                    role = p.getText();
                } else if ("content".equals(name)) {
                    if (seenContent) {
                        return false;
                    }
                    seenContent = true;
                    if (t == JsonToken.VALUE_STRING) {
                        content = p.getText();
                        append(prompt, content);
                    } else if (t == JsonToken.START_ARRAY) {
                        if (!parts()) {
                            return false;
                        }
                    } else if (t != JsonToken.VALUE_NULL) {
                        return false;
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (role == null) {
                prompt.setLength(promptMark);
                return false;
            }
            if (content != null && ChatRequest.isContextRole(role)) {
                if (context == null) {
                    context = new StringBuilder();
                }
                append(context, content);
            }
            return true;
        }

        /** Content parts: every one an object; the string {@code text} of each is prompt text. */
        private boolean parts() throws IOException {
            JsonToken t;
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    return false;
                }
                boolean seenText = false;
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String name = p.currentName();
                    JsonToken v = p.nextToken();
                    if ("text".equals(name)) {
                        if (seenText) {
                            return false;
                        }
                        seenText = true;
                        if (v == JsonToken.VALUE_STRING) {
                            append(prompt, p.getText());
                            continue;
                        }
                    }
                    p.skipChildren();
                }
            }
            return true;
        }

        /** {@code stream_options.include_usage}: true or false, or {@code null} when the tree must judge. */
        private Boolean includeUsage() throws IOException {
            Boolean iu = Boolean.FALSE;
            boolean seen = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("include_usage".equals(name)) {
                    if (seen || (t != JsonToken.VALUE_NULL && !t.isBoolean())) {
                        return null;
                    }
                    seen = true;
                    iu = t == JsonToken.VALUE_TRUE;
                } else {
                    p.skipChildren();
                }
            }
            return iu;
        }
    }
}
