package dev.vitals.server.http;

import static dev.vitals.server.http.ChatRequests.kind;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.gateway.ChatRequest;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;

/**
 * Validates {@code /v1/embeddings}, {@code /v1/completions} and {@code /v1/responses} bodies as OpenAI does;
 * every problem is a {@link ApiException} naming the field. The text found is kept only inside the request
 * (for the simulated model and token estimates), never logged.
 */
final class ApiRequests {
    /** OpenAI's limit of inputs per embeddings request. */
    static final int MAX_INPUTS = 2048;

    private ApiRequests() {
    }

    private static String model(JsonObject o, String defaultModel) {
        Object m = o.getValue("model");
        if (m == null) {
            o.put("model", defaultModel);
            return defaultModel;
        }
        if (m instanceof String s && !s.isBlank() && s.length() <= ChatRequests.MAX_MODEL_NAME) {
            return s;
        }
        throw new ApiException("invalid_model", "'model' must be a non-empty string of at most " + ChatRequests.MAX_MODEL_NAME
                + " characters, got " + kind(m));
    }

    private static boolean stream(JsonObject o) {
        Object stream = o.getValue("stream");
        if (stream != null && !(stream instanceof Boolean)) {
            throw new ApiException("invalid_stream", "'stream' must be a boolean, got " + kind(stream));
        }
        return Boolean.TRUE.equals(stream);
    }

    /**
     * A parsed body and its model (the default is put in when it names none).
     *
     * @param raw the raw bytes when the body went unchanged, else {@code null} (the backend re-encodes it)
     */
    private record Body(JsonObject o, String model, Buffer raw) {
        static Body of(Buffer rawBody, String defaultModel) {
            JsonObject o = ChatRequests.object(rawBody);
            boolean given = o.getValue("model") != null;
            return new Body(o, ApiRequests.model(o, defaultModel), given ? rawBody : null);
        }

        ChatRequest request(boolean stream, boolean wantsUsage, StringBuilder text, int count) {
            return new ChatRequest(model, o, raw, stream, wantsUsage, text.toString(), count);
        }
    }

    /** {@code input}: a string, an array of strings, an array of token ids, or an array of such arrays. */
    static ChatRequest embeddings(Buffer rawBody, String defaultModel) {
        Body body = Body.of(rawBody, defaultModel);
        JsonObject o = body.o();
        Object in = o.getValue("input");
        StringBuilder text = new StringBuilder();
        int count;
        if (in instanceof String s) {
            if (s.isEmpty()) {
                throw new ApiException("invalid_input", "'input' must not be an empty string");
            }
            text.append(s);
            count = 1;
        } else if (in instanceof JsonArray a && !a.isEmpty()) {
            if (a.size() > MAX_INPUTS) {
                throw new ApiException("invalid_input", "'input' has " + a.size() + " items; at most " + MAX_INPUTS);
            }
            boolean tokens = a.getValue(0) instanceof Number;
            for (int i = 0; i < a.size(); i++) {
                Object v = a.getValue(i);
                if (tokens ? !(v instanceof Number n) || !isTokenId(n) : !(v instanceof String) && !(v instanceof JsonArray)) {
                    throw new ApiException("invalid_input", "'input[" + i + "]' must be " + (tokens ? "a token id (integer >= 0)"
                            : "a string or an array of token ids") + ", got " + kind(v));
                }
                if (v instanceof String s) {
                    if (s.isEmpty()) {
                        throw new ApiException("invalid_input", "'input[" + i + "]' must not be an empty string");
                    }
                    line(text, s);
                } else if (v instanceof JsonArray t) {
                    for (int j = 0; j < t.size(); j++) {
                        if (!(t.getValue(j) instanceof Number n) || !isTokenId(n)) {
                            throw new ApiException("invalid_input", "'input[" + i + "][" + j + "]' must be a token id (integer >= 0)");
                        }
                    }
                }
            }
            count = tokens ? 1 : a.size();
        } else {
            throw new ApiException("invalid_input", "'input' must be a non-empty string or array, got "
                    + (in instanceof JsonArray ? "an empty array" : kind(in)));
        }
        Object dims = o.getValue("dimensions");
        if (dims != null && !(dims instanceof Number n && isInt(n) && n.longValue() >= 1 && n.longValue() <= 65536)) {
            throw new ApiException("invalid_dimensions", "'dimensions' must be an integer between 1 and 65536, got " + describe(dims));
        }
        Object fmt = o.getValue("encoding_format");
        if (fmt != null && !"float".equals(fmt) && !"base64".equals(fmt)) {
            throw new ApiException("invalid_encoding_format", "'encoding_format' must be 'float' or 'base64', got " + describe(fmt));
        }
        return body.request(false, false, text, count);
    }

    /** {@code prompt}: a string or an array of strings. */
    static ChatRequest completions(Buffer rawBody, String defaultModel) {
        Body body = Body.of(rawBody, defaultModel);
        JsonObject o = body.o();
        StringBuilder text = new StringBuilder();
        int count = stringOrItems(o, "prompt", "invalid_prompt", "a string or a non-empty array of strings", text, (i, item) -> {
            if (!(item instanceof String s)) {
                throw new ApiException("invalid_prompt", "'prompt[" + i + "]' must be a string, got " + kind(item));
            }
            line(text, s);
        });
        boolean stream = stream(o);
        boolean wantsUsage = false;
        Object so = o.getValue("stream_options");
        if (so != null) {
            if (!(so instanceof JsonObject soj) || soj.getValue("include_usage") != null && !(soj.getValue("include_usage") instanceof Boolean)) {
                throw new ApiException("invalid_stream_options", "'stream_options' must be an object with a boolean include_usage, got "
                        + kind(so));
            }
            wantsUsage = Boolean.TRUE.equals(soj.getValue("include_usage"));
        }
        return body.request(stream, wantsUsage, text, count);
    }

    /** {@code input}: a string or an array of items (messages with string or part content); {@code instructions} optional. */
    static ChatRequest responses(Buffer rawBody, String defaultModel) {
        Body body = Body.of(rawBody, defaultModel);
        JsonObject o = body.o();
        StringBuilder text = new StringBuilder();
        Object instr = o.getValue("instructions");
        if (instr != null && !(instr instanceof String)) {
            throw new ApiException("invalid_instructions", "'instructions' must be a string, got " + kind(instr));
        }
        int count = stringOrItems(o, "input", "invalid_input", "a string or a non-empty array of items", text, (i, v) -> {
            if (!(v instanceof JsonObject item)) {
                throw new ApiException("invalid_input", "'input[" + i + "]' must be an object, got " + kind(v));
            }
            content(item.getValue("content"), "input", i, "invalid_input", "a string or an array", text);
        });
        boolean stream = stream(o);
        return body.request(stream, false, text, count);
    }

    /** Checks one array item and adds its text. */
    private interface Item {
        void read(int index, Object item);
    }

    /**
     * A field that is a string (its text) or a non-empty array of items, each read by {@code item}: the number of
     * inputs (1 for a string).
     */
    private static int stringOrItems(JsonObject o, String field, String code, String expected, StringBuilder text, Item item) {
        Object v = o.getValue(field);
        if (v instanceof String s) {
            text.append(s);
            return 1;
        }
        if (v instanceof JsonArray a && !a.isEmpty()) {
            for (int i = 0; i < a.size(); i++) {
                item.read(i, a.getValue(i));
            }
            return a.size();
        }
        throw new ApiException(code, "'" + field + "' must be " + expected + ", got "
                + (v instanceof JsonArray ? "an empty array" : kind(v)));
    }

    /**
     * A message's {@code content}: a string, or an array of parts whose {@code text} parts are read; {@code null} has
     * no text. Chat messages ({@link ChatRequests}) and response input items take the same content.
     *
     * @param array and {@code index}: the message's place in the body, e.g. {@code input} and 3 for {@code input[3]}
     *     (the path is only built for a 400: this runs for every message of every request)
     * @param expected what the 400 says the content must be
     */
    static void content(Object content, String array, int index, String code, String expected, StringBuilder text) {
        if (content instanceof String s) {
            line(text, s);
        } else if (content instanceof JsonArray parts) {
            for (int j = 0; j < parts.size(); j++) {
                if (!(parts.getValue(j) instanceof JsonObject part)) {
                    throw new ApiException(code, "'" + array + "[" + index + "].content[" + j + "]' must be an object");
                }
                if (part.getValue("text") instanceof String t) {
                    line(text, t);
                }
            }
        } else if (content != null) {
            throw new ApiException(code, "'" + array + "[" + index + "].content' must be " + expected + ", got " + kind(content));
        }
    }

    /** Texts of several inputs, one per line. */
    private static void line(StringBuilder text, String s) {
        text.append(text.isEmpty() ? "" : "\n").append(s);
    }

    private static boolean isInt(Number n) {
        double d = n.doubleValue();
        return Double.isFinite(d) && d == Math.rint(d);
    }

    private static boolean isTokenId(Number n) {
        return isInt(n) && n.longValue() >= 0 && n.longValue() <= Integer.MAX_VALUE;
    }

    private static String describe(Object v) {
        return v instanceof String || v instanceof Number ? "'" + v + "'" : kind(v);
    }
}
