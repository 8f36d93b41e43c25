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

    /** The raw bytes when the body went unchanged, else {@code null} (the backend re-encodes it). */
    private static Buffer raw(Buffer raw, JsonObject o, boolean modelGiven) {
        return modelGiven ? raw : null;
    }

    /** {@code input}: a string, an array of strings, an array of token ids, or an array of such arrays. */
    static ChatRequest embeddings(Buffer rawBody, String defaultModel) {
        JsonObject o = ChatRequests.object(rawBody);
        boolean given = o.getValue("model") != null;
        String model = model(o, defaultModel);
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
                    text.append(text.isEmpty() ? "" : "\n").append(s);
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
        return new ChatRequest(model, o, raw(rawBody, o, given), false, false, text.toString(), count);
    }

    /** {@code prompt}: a string or an array of strings. */
    static ChatRequest completions(Buffer rawBody, String defaultModel) {
        JsonObject o = ChatRequests.object(rawBody);
        boolean given = o.getValue("model") != null;
        String model = model(o, defaultModel);
        Object p = o.getValue("prompt");
        StringBuilder text = new StringBuilder();
        int count = 1;
        if (p instanceof String s) {
            text.append(s);
        } else if (p instanceof JsonArray a && !a.isEmpty()) {
            for (int i = 0; i < a.size(); i++) {
                if (!(a.getValue(i) instanceof String s)) {
                    throw new ApiException("invalid_prompt", "'prompt[" + i + "]' must be a string, got " + kind(a.getValue(i)));
                }
                text.append(text.isEmpty() ? "" : "\n").append(s);
            }
            count = a.size();
        } else {
            throw new ApiException("invalid_prompt", "'prompt' must be a string or a non-empty array of strings, got "
                    + (p instanceof JsonArray ? "an empty array" : kind(p)));
        }
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
        return new ChatRequest(model, o, raw(rawBody, o, given), stream, wantsUsage, text.toString(), count);
    }

    /** {@code input}: a string or an array of items (messages with string or part content); {@code instructions} optional. */
    static ChatRequest responses(Buffer rawBody, String defaultModel) {
        JsonObject o = ChatRequests.object(rawBody);
        boolean given = o.getValue("model") != null;
        String model = model(o, defaultModel);
        StringBuilder text = new StringBuilder();
        Object instr = o.getValue("instructions");
        if (instr != null && !(instr instanceof String)) {
            throw new ApiException("invalid_instructions", "'instructions' must be a string, got " + kind(instr));
        }
        Object in = o.getValue("input");
        int count = 1;
        if (in instanceof String s) {
            text.append(s);
        } else if (in instanceof JsonArray a && !a.isEmpty()) {
            for (int i = 0; i < a.size(); i++) {
                if (!(a.getValue(i) instanceof JsonObject item)) {
                    throw new ApiException("invalid_input", "'input[" + i + "]' must be an object, got " + kind(a.getValue(i)));
                }
                Object content = item.getValue("content");
                if (content instanceof String s) {
                    text.append(text.isEmpty() ? "" : "\n").append(s);
                } else if (content instanceof JsonArray parts) {
                    for (int j = 0; j < parts.size(); j++) {
                        if (!(parts.getValue(j) instanceof JsonObject part)) {
                            throw new ApiException("invalid_input", "'input[" + i + "].content[" + j + "]' must be an object");
                        }
                        if (part.getValue("text") instanceof String t) {
                            text.append(text.isEmpty() ? "" : "\n").append(t);
                        }
                    }
                } else if (content != null) {
                    throw new ApiException("invalid_input", "'input[" + i + "].content' must be a string or an array, got " + kind(content));
                }
            }
            count = a.size();
        } else {
            throw new ApiException("invalid_input", "'input' must be a string or a non-empty array of items, got "
                    + (in instanceof JsonArray ? "an empty array" : kind(in)));
        }
        boolean stream = stream(o);
        return new ChatRequest(model, o, raw(rawBody, o, given), stream, false, text.toString(), count);
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
