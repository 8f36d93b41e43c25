package dev.vitals.server.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.async.ByteArrayFeeder;
import java.io.IOException;

/**
 * Reads what the gateway needs from an OpenAI {@code chat.completion} or {@code chat.completion.chunk}
 * JSON — content length, finish reason, usage — with Jackson's streaming parser, without building a
 * tree or re-serializing: the bytes are forwarded to the client unchanged.
 */
final class ChunkScanner {
    private static final JsonFactory JSON = new JsonFactory();

    /** What one document contains. */
    static final class Result {
        boolean json;
        /** Whether {@code choices} was present and empty. */
        boolean emptyChoices;
        int contentChars;
        boolean hasContent;
        String content;
        String finishReason;
        long promptTokens = -1;
        long completionTokens = -1;
        long cachedTokens;

        Result clear() {
            json = false;
            emptyChoices = false;
            contentChars = 0;
            hasContent = false;
            content = null;
            finishReason = null;
            promptTokens = -1;
            completionTokens = -1;
            cachedTokens = 0;
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
            try {
                if (parser == null) {
                    parser = JSON.createNonBlockingByteArrayParser();
                    feeder = (ByteArrayFeeder) parser.getNonBlockingInputFeeder();
                }
                feeder.feedInput(bytes, i, end);
                next(parser); // START_OBJECT
                object(parser, r, false);
                if (parser.nextToken() != JsonToken.NOT_AVAILABLE) {
                    reset(); // something after the object: start the next document clean
                }
            } catch (IOException | RuntimeException e) {
                r.json = false;
                reset();
            }
            return r;
        }

        private void reset() {
            if (parser != null) {
                try {
                    parser.close();
                } catch (IOException ignored) {
                    // nothing is read from a closed byte-array feeder
                }
            }
            parser = null;
            feeder = null;
        }
    }

    /** The parser is on the document's START_OBJECT; reads through its END_OBJECT. */
    private static void object(JsonParser p, Result r, boolean keepText) throws IOException {
        while (next(p) == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = next(p);
            if ("choices".equals(f) && t == JsonToken.START_ARRAY) {
                choices(p, r, keepText);
            } else if ("usage".equals(f) && t == JsonToken.START_OBJECT) {
                usage(p, r);
            } else {
                p.skipChildren();
            }
        }
        r.json = true;
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
                p.skipChildren();
                continue;
            }
            boolean first = n++ == 0;
            while (next(p) == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = next(p);
                if (("delta".equals(f) || "message".equals(f)) && v == JsonToken.START_OBJECT) {
                    while (next(p) == JsonToken.FIELD_NAME) {
                        String g = p.currentName();
                        JsonToken w = next(p);
                        if ("content".equals(g) && w == JsonToken.VALUE_STRING) {
                            int chars = p.getTextLength(); // UTF-16 units, as String.length(), without a String
                            if (chars > 0) {
                                r.contentChars += chars;
                                r.hasContent = true;
                                if (keepText && first) {
                                    r.content = p.getText();
                                }
                            }
                        } else {
                            p.skipChildren();
                        }
                    }
                } else if ("finish_reason".equals(f) && v == JsonToken.VALUE_STRING && first) {
                    r.finishReason = p.getText();
                } else {
                    p.skipChildren();
                }
            }
        }
        r.emptyChoices = n == 0;
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
