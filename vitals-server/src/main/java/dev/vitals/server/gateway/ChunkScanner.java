package dev.vitals.server.gateway;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
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
            if (p.nextToken() != JsonToken.START_OBJECT) {
                return r;
            }
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken t = p.nextToken();
                if ("choices".equals(f) && t == JsonToken.START_ARRAY) {
                    choices(p, r, keepText);
                } else if ("usage".equals(f) && t == JsonToken.START_OBJECT) {
                    usage(p, r);
                } else {
                    p.skipChildren();
                }
            }
            r.json = true;
        } catch (IOException | RuntimeException e) {
            r.json = false;
        }
        return r;
    }

    private static void choices(JsonParser p, Result r, boolean keepText) throws IOException {
        int n = 0;
        JsonToken t;
        while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
            if (t != JsonToken.START_OBJECT) {
                p.skipChildren();
                continue;
            }
            boolean first = n++ == 0;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String f = p.currentName();
                JsonToken v = p.nextToken();
                if (("delta".equals(f) || "message".equals(f)) && v == JsonToken.START_OBJECT) {
                    while (p.nextToken() == JsonToken.FIELD_NAME) {
                        String g = p.currentName();
                        JsonToken w = p.nextToken();
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
        while (p.nextToken() == JsonToken.FIELD_NAME) {
            String f = p.currentName();
            JsonToken t = p.nextToken();
            if ("prompt_tokens".equals(f) && t == JsonToken.VALUE_NUMBER_INT) {
                r.promptTokens = Math.max(0, p.getLongValue());
            } else if ("completion_tokens".equals(f) && t == JsonToken.VALUE_NUMBER_INT) {
                r.completionTokens = Math.max(0, p.getLongValue());
            } else if ("prompt_tokens_details".equals(f) && t == JsonToken.START_OBJECT) {
                while (p.nextToken() == JsonToken.FIELD_NAME) {
                    String g = p.currentName();
                    JsonToken w = p.nextToken();
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
