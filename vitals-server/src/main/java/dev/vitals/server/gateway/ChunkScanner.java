package dev.vitals.server.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import dev.vitals.llm.ErrorType;
import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.io.IOException;
import java.util.Locale;

/**
 * Reads what the gateway needs from an OpenAI {@code chat.completion} or {@code chat.completion.chunk}
 * JSON — produced text length, finish reason, usage, an {@code error} object, the response's {@code id} and
 * {@code model} (for spans and logs), and whether the shape is one at all — with Jackson's streaming parser, without building a tree or re-serializing: the
 * bytes are forwarded to the client unchanged.
 *
 * <p>Produced text is everything the model generated: {@code content}, {@code refusal},
 * {@code reasoning_content}/{@code reasoning}, and tool-call (and legacy function-call) names and
 * arguments, so that token estimates and time to first token see tool-call and reasoning streams.
 */
final class ChunkScanner {
    private static final JsonFactory JSON = new JsonFactory();

    /** What one document contains. */
    static final class Result {
        boolean json;
        /** Whether {@code choices} was present and empty. */
        boolean emptyChoices;
        /** Whether {@code choices} was an array. */
        boolean hasChoices;
        /** Whether {@code usage} was an object. */
        boolean hasUsage;
        /** Why the document is not a chat completion (chunk), or {@code null} when its shape is right. */
        String bad;
        /** The type of the document's {@code error} object, or {@code null} when it has none. */
        ErrorType error;
        /** The error's own {@code type}/{@code code} (short identifiers only; never its message). */
        String errorCode;
        /** Characters of produced text (UTF-16 units), all choices and kinds together. */
        int contentChars;
        /** Whether the document carries produced text of any kind. */
        boolean hasContent;
        String content;
        String finishReason;
        long promptTokens = -1;
        long completionTokens = -1;
        long cachedTokens;
        /** Whether to read the top-level {@code id} and {@code model} (a stream reads them until it has both). */
        boolean readIds = true;
        /** The top-level {@code id} (the upstream's response id), or {@code null}; never a label: unbounded. */
        String id;
        /** The top-level {@code model}: the model that answered, which may differ from the one requested. */
        String model;
        /**
         * The {@code delta.content} strings of the choices whose {@code index} is 0, in order, as the evaluators read a
         * captured stream, so that they need not parse it again; {@code null} when not collected (a stream's scanner
         * collects them when the evaluators capture the answer).
         */
        StringBuilder text;
        /**
         * With {@link #text}: false when the document holds what the evaluators read otherwise than this scan
         * would (a key they read given twice, an index that is not a plain int, log-probabilities): they parse it then.
         */
        boolean textExact;

        Result clear() {
            json = false;
            emptyChoices = false;
            hasChoices = false;
            hasUsage = false;
            bad = null;
            error = null;
            errorCode = null;
            contentChars = 0;
            hasContent = false;
            content = null;
            finishReason = null;
            promptTokens = -1;
            completionTokens = -1;
            cachedTokens = 0;
            readIds = true;
            id = null;
            model = null;
            textExact = true;
            if (text != null) {
                text.setLength(0);
            }
            return this;
        }

        Usage usage() {
            if (promptTokens < 0 || completionTokens < 0) {
                return null;
            }
            return new Usage(promptTokens, completionTokens, Math.min(promptTokens, Math.max(0, cachedTokens)));
        }
    }

    private ChunkScanner() {
    }

    /** Scans a whole buffer, in its own array when it has one (a non-streaming answer is not copied to be read). */
    static Result scan(Buffer buf, boolean keepText) {
        ByteBuf bb = buf instanceof BufferInternal bi ? bi.getByteBuf() : null;
        if (bb != null && bb.hasArray()) {
            return scan(bb.array(), bb.arrayOffset() + bb.readerIndex(), bb.readableBytes(), keepText);
        }
        byte[] bytes = buf.getBytes();
        return scan(bytes, 0, bytes.length, keepText);
    }

    /**
     * Scans {@code len} bytes at {@code off}. {@code keepText} keeps the first choice's content (for
     * /generate); otherwise only its length is counted.
     */
    static Result scan(byte[] bytes, int off, int len, boolean keepText) {
        Result r = new Result();
        try (JsonParser p = JSON.createParser(bytes, off, len)) {
            if (p.nextToken() == JsonToken.START_OBJECT) {
                object(p, r, keepText);
            }
        } catch (IOException | RuntimeException e) {
            r.json = false;
        }
        return r;
    }

    /**
     * The events of one stream, each a whole JSON document, scanned by one non-blocking parser fed
     * one document after another: creating a parser per event cost more than parsing it and made
     * most of a stream's garbage. A document that fails to parse is reported as not JSON and the
     * next one gets a fresh parser. Used on one thread at a time.
     */
    static final class Incremental {
        private JsonParser parser;
        private ByteArrayFeeder feeder;

        private final Result result = new Result();

        /** Collects each chunk's {@link Result#text text} from now on, or stops. */
        void collectText(boolean on) {
            result.text = on ? new StringBuilder() : null;
        }

        /** The stream's id and model, read from its first chunks only: every chunk repeats them. */
        private String id;
        private String model;

        /** The result is this scanner's own, overwritten by the next call. */
        Result scan(byte[] bytes, int off, int len) {
            Result r = result.clear();
            int i = off;
            int end = off + len;
            while (i < end && (bytes[i] == ' ' || bytes[i] == '\t' || bytes[i] == '\n' || bytes[i] == '\r')) {
                i++;
            }
            if (i == end || bytes[i] != '{') {
                return r; // not an object (or a scalar the parser could only finish at the next document)
            }
            r.readIds = id == null || model == null;
            try {
                if (parser == null) {
                    parser = JSON.createNonBlockingByteArrayParser();
                    feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
                }
                feeder.feedInput(bytes, i, end);
                next(parser); // START_OBJECT
                object(parser, r, false);
                if (r.json && r.error == null) {
                    id = id != null ? id : r.id;
                    model = model != null ? model : r.model;
                }
                r.id = id;
                r.model = model;
                if (parser.nextToken() != JsonToken.NOT_AVAILABLE) {
                    reset(); // something after the object: start the next document clean
                }
            } catch (IOException | RuntimeException e) {
                r.json = false;
                reset();
            }
            return r;
        }

        /**
         * Releases the parser at the stream's end. Closing it is what merges the field names it learnt into
         * the factory's root symbol table: unclosed, every stream's parser copied the table's arrays again
         * on its first name (a twentieth of a stream's garbage).
         */
        void close() {
            reset();
        }

        private void reset() {
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException | RuntimeException ignored) {
                    // nothing is read from a closed byte-array feeder; closing runs as a stream ends, where
                    // nothing may throw into the call's recording
                }
            }
            parser = null;
            feeder = null;
        }
    }

    /** The parser is on the document's START_OBJECT; reads through its END_OBJECT. */
    private static void object(JsonParser p, Result r, boolean keepText) throws IOException {
        boolean seenChoices = false;
        while (next(p) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = next(p);
            if ("choices".equals(f)) {
                if (seenChoices) {
                    r.textExact = false; // a tree keeps the last
                }
                seenChoices = true;
                if (t == JsonToken.START_ARRAY) {
                    r.hasChoices = true;
                    choices(p, r, keepText);
                } else {
                    bad(p, r, t, "choices is not an array");
                }
            } else if ("usage".equals(f)) {
                if (t == JsonToken.START_OBJECT) {
                    r.hasUsage = true;
                    usage(p, r);
                } else {
                    bad(p, r, t, "usage is not an object");
                }
            } else if ("error".equals(f) && t != JsonToken.VALUE_NULL) {
                error(p, r, t);
            } else if (r.readIds && t == JsonToken.VALUE_STRING && ("id".equals(f) || "model".equals(f))) {
                String v = identifierText(p);
                if ("id".equals(f)) {
                    r.id = v;
                } else {
                    r.model = v;
                }
            } else {
                p.skipChildren();
            }
        }
        r.json = true;
        if (r.bad == null && r.error == null && !r.hasChoices && !r.hasUsage) {
            r.bad = "neither choices nor usage";
        }
    }

    /** A wrong shape, unless the value is null (which OpenAI sends for absent fields). */
    private static void bad(JsonParser p, Result r, JsonToken t, String why) throws IOException {
        if (t != JsonToken.VALUE_NULL && r.bad == null) {
            r.bad = why;
        }
        p.skipChildren();
    }

    /** An {@code error} member: OpenAI's {@code {"message","type","code"}} object, or a bare string. */
    private static void error(JsonParser p, Result r, JsonToken t) throws IOException {
        String type = null;
        String code = null;
        if (t == JsonToken.START_OBJECT) {
            while (next(p) == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = next(p);
                if (("type".equals(f) || "code".equals(f)) && (v == JsonToken.VALUE_STRING || v == JsonToken.VALUE_NUMBER_INT)) {
                    if ("type".equals(f)) {
                        type = p.getText();
                    } else {
                        code = p.getText();
                    }
                } else {
                    p.skipChildren();
                }
            }
        } else {
            p.skipChildren();
        }
        r.error = errorType(type, code);
        r.errorCode = identifier(code != null ? code : type);
    }

    /** The normalized type of an upstream's error object, from its {@code type} and {@code code}. */
    static ErrorType errorType(String type, String code) {
        String s = ((type == null ? "" : type) + " " + (code == null ? "" : code)).toLowerCase(Locale.ROOT);
        if (s.contains("rate_limit") || s.contains("429") || s.contains("insufficient_quota") || s.contains("tokens_exceeded")) {
            return ErrorType.RATE_LIMITED;
        }
        if (s.contains("timeout")) {
            return ErrorType.TIMEOUT;
        }
        if (s.contains("server_error") || s.contains("internal") || s.contains("overloaded") || s.contains("api_error")
                || s.matches(".*\\b5\\d\\d\\b.*")) {
            return ErrorType.UPSTREAM_5XX;
        }
        if (s.contains("invalid_request") || s.matches(".*\\b4\\d\\d\\b.*")) {
            return ErrorType.INVALID_REQUEST;
        }
        return ErrorType.MODEL_ERROR;
    }

    /** A short identifier fit for an error message, or {@code null}: never free text an upstream may have echoed. */
    private static String identifier(String s) {
        return s != null && s.length() <= 64 && s.matches("[A-Za-z0-9_.-]+") ? s : null;
    }

    /** Longest response id or model name kept: an upstream's longer value is dropped, not cut. */
    static final int MAX_ID_CHARS = 256;

    /** The parser is on a string: it, when short enough to be an id or a model name, or {@code null}. */
    private static String identifierText(JsonParser p) throws IOException {
        int n = p.getTextLength();
        return n > 0 && n <= MAX_ID_CHARS ? p.getText() : null;
    }

    /** The next token; the document ending early (end of input, or no more bytes fed) is an error. */
    private static JsonToken next(JsonParser p) throws IOException {
        JsonToken t = p.nextToken();
        if (t == null || t == JsonToken.NOT_AVAILABLE) {
            throw new JsonParseException(p, "document ends early");
        }
        return t;
    }

    private static void choices(JsonParser p, Result r, boolean keepText) throws IOException {
        int n = 0;
        JsonToken t;
        while ((t = next(p)) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                bad(p, r, t, "a choice is not an object");
                continue;
            }
            boolean first = n++ == 0;
            int textMark = r.text != null ? r.text.length() : 0;
            int index = 0;
            boolean seenIndex = false;
            boolean seenDelta = false;
            boolean seenLogprobs = false;
            while (next(p) == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = next(p);
                if ("delta".equals(f) || "message".equals(f)) {
                    boolean delta = r.text != null && "delta".equals(f);
                    if (delta) {
                        r.textExact &= !seenDelta;
                        seenDelta = true;
                    }
                    if (v == JsonToken.START_OBJECT) {
                        message(p, r, keepText && first, delta);
                    } else {
                        bad(p, r, v, f + " is not an object");
                    }
                } else if (r.text != null && "index".equals(f)) {
                    r.textExact &= !seenIndex;
                    seenIndex = true;
                    if (v == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                        index = p.getIntValue();
                    } else if (v != JsonToken.VALUE_NULL) { // null reads as 0; any other value the evaluators read as a tree would
                        r.textExact = false;
                        p.skipChildren();
                    }
                } else if (r.text != null && "logprobs".equals(f)) {
                    r.textExact &= !seenLogprobs && v == JsonToken.VALUE_NULL; // the evaluators read log-probabilities themselves
                    seenLogprobs = true;
                    p.skipChildren();
                } else if ("finish_reason".equals(f)) {
                    if (v == JsonToken.VALUE_STRING) {
                        if (first) {
                            r.finishReason = p.getText();
                        }
                    } else {
                        bad(p, r, v, "finish_reason is not a string");
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (r.text != null && index != 0) {
                r.text.setLength(textMark); // another choice's text
            }
        }
        r.emptyChoices = n == 0;
    }

    /**
     * A {@code message} or {@code delta} object: counts every kind of produced text; {@code collect}: appends its
     * {@code content} string to the result's text.
     */
    private static void message(JsonParser p, Result r, boolean keepText, boolean collect) throws IOException {
        boolean seenContent = false;
        while (next(p) == JsonToken.FIELD_NAME) {
            String g = p.currentName();
            JsonToken w = next(p);
            switch (g) {
                case "content" -> {
                    if (collect) {
                        r.textExact &= !seenContent;
                        seenContent = true;
                    }
                    if (w == JsonToken.VALUE_STRING) {
                        produced(p, r);
                        if (keepText) {
                            r.content = p.getText();
                        }
                        if (collect) {
                            r.text.append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
                        }
                    } else if (w == JsonToken.START_ARRAY) {
                        p.skipChildren(); // content parts: some servers answer with them; not counted
                    } else {
                        bad(p, r, w, "content is not a string");
                    }
                }
                case "refusal", "reasoning_content", "reasoning" -> {
                    if (w == JsonToken.VALUE_STRING) {
                        produced(p, r);
                    } else {
                        p.skipChildren();
                    }
                }
                case "tool_calls" -> {
                    if (w == JsonToken.START_ARRAY) {
                        JsonToken c;
                        while ((c = next(p)) != JsonToken.END_ARRAY) {
                            if (c == JsonToken.START_OBJECT) {
                                toolCall(p, r);
                            } else {
                                bad(p, r, c, "a tool call is not an object");
                            }
                        }
                    } else {
                        bad(p, r, w, "tool_calls is not an array");
                    }
                }
                case "function_call" -> {
                    if (w == JsonToken.START_OBJECT) {
                        function(p, r);
                    } else {
                        p.skipChildren();
                    }
                }
                default -> p.skipChildren();
            }
        }
    }

    private static void toolCall(JsonParser p, Result r) throws IOException {
        while (next(p) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            if (next(p) == JsonToken.START_OBJECT && "function".equals(f)) {
                function(p, r);
            } else {
                p.skipChildren();
            }
        }
    }

    /** A function's {@code name} and {@code arguments} (a stream sends the arguments in pieces). */
    private static void function(JsonParser p, Result r) throws IOException {
        while (next(p) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken v = next(p);
            if (("name".equals(f) || "arguments".equals(f)) && v == JsonToken.VALUE_STRING) {
                produced(p, r);
            } else {
                p.skipChildren();
            }
        }
    }

    /** The parser is on a string of produced text: counts it without making a String. */
    private static void produced(JsonParser p, Result r) throws IOException {
        int chars = p.getTextLength(); // UTF-16 units, as String.length()
        if (chars > 0) {
            r.contentChars += chars;
            r.hasContent = true;
        }
    }

    private static void usage(JsonParser p, Result r) throws IOException {
        while (next(p) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = next(p);
            if ("prompt_tokens".equals(f) && t == JsonToken.VALUE_NUMBER_INT) {
                r.promptTokens = Math.max(0, p.getLongValue());
            } else if ("completion_tokens".equals(f) && t == JsonToken.VALUE_NUMBER_INT) {
                r.completionTokens = Math.max(0, p.getLongValue());
            } else if ("prompt_tokens_details".equals(f) && t == JsonToken.START_OBJECT) {
                while (next(p) == JsonToken.FIELD_NAME) {
                    String g = p.currentName();
                    JsonToken w = next(p);
                    if ("cached_tokens".equals(g) && w == JsonToken.VALUE_NUMBER_INT) {
                        r.cachedTokens = Math.max(0, p.getLongValue());
                    } else {
                        p.skipChildren();
                    }
                }
            } else {
                p.skipChildren();
            }
        }
    }
}
