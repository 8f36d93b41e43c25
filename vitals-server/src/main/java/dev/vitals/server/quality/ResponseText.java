package dev.vitals.server.quality;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.server.gateway.ResponseCapture;
import java.io.IOException;
import java.nio.charset.StandardCharsets;

/**
 * The assistant's text and token log-probabilities read from a captured answer: the first choice of
 * a {@code chat.completion} body, or the first choice's deltas of a stream's chunks joined. Runs on
 * the evaluation thread; the text lives only as long as the capture (until the evaluation ran). An upstream
 * chat stream's text usually comes read already ({@link ResponseCapture#streamText()}, what the relay's chunk
 * scanner read as the events arrived, exactly as this class would); the rest is read here.
 *
 * <p>Each document is read in one streaming pass over its bytes, keeping only the first choice's text
 * and log-probabilities: a tree per chunk (and the stream decoded to one string, then split) was most
 * of what evaluating a call allocated. The rare document the pass cannot read exactly as a tree would
 * (a key given twice, bytes that are not UTF-8) is read again as a tree, so the result is the same.
 *
 * @param text the text, cut to the evaluators' bound
 * @param logprobs natural-log probabilities of the output tokens when the answer carried them (every
 *                 one finite and {@code <= 0}), else {@code null}
 * @param truncated whether the answer was longer than was captured or read
 */
record ResponseText(String text, double[] logprobs, boolean truncated) {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final JsonFactory FACTORY = JSON.getFactory();

    static ResponseText of(ResponseCapture c, int maxChars) {
        String relayed = c.body() == null ? c.streamText() : null;
        if (relayed != null) {
            // read by the gateway as the events arrived, exactly as below would read them (else it is null)
            boolean cut = relayed.length() > maxChars;
            return new ResponseText(cut ? relayed.substring(0, Math.max(0, maxChars)) : relayed, null, cut || c.truncated());
        }
        Acc acc = new Acc(maxChars);
        if (c.body() != null) {
            byte[] bytes = c.body().getBytes();
            try {
                if (!acc.stream(bytes, 0, bytes.length, "message")) {
                    acc.choice(JSON.readTree(bytes), "message");
                }
            } catch (IOException e) {
                return new ResponseText("", null, false);
            }
        } else if (c.eventBytes() != null) {
            byte[] b = c.eventBytes();
            int end = c.eventLength();
            if (!Payloads.read(acc, b, end)) {
                acc = new Acc(maxChars);
                for (int i = 0; i < end; ) {
                    int nl = i;
                    while (nl < end && b[nl] != '\n') {
                        nl++;
                    }
                    chunk(acc, b, i, nl);
                    i = nl + 1;
                }
            }
            acc.truncated |= c.truncated();
        }
        return acc.result();
    }

    /**
     * A stream's {@code data:} payloads read by one parser, as a sequence of root values: a parser per chunk
     * (its contexts, symbol table and buffers) was most of what reading a stream allocated. Exact only when
     * every payload is one well-formed object and nothing else, with no key read twice; otherwise (false) the
     * stream is read again chunk by chunk.
     */
    private static final class Payloads extends java.io.InputStream {
        private final byte[] b;
        private int[] ranges = new int[64]; // start, end of each payload
        private int count;
        private int k;
        private int pos = -1;

        private Payloads(byte[] b) {
            this.b = b;
        }

        static boolean read(Acc acc, byte[] b, int end) {
            Payloads in = new Payloads(b);
            for (int i = 0; i < end; ) {
                int nl = i;
                while (nl < end && b[nl] != '\n') {
                    nl++;
                }
                in.add(i, nl);
                i = nl + 1;
            }
            if (in.count == 0) {
                return true;
            }
            try (JsonParser p = FACTORY.createParser(in)) {
                long offset = 0;
                for (int j = 0; j < in.count; j++) {
                    offset += in.ranges[2 * j + 1] - in.ranges[2 * j];
                    // each payload, then the newline that separates it from the next
                    if (p.nextToken() != JsonToken.START_OBJECT || !acc.document(p, "delta")
                            || p.currentToken() != JsonToken.END_OBJECT || p.currentLocation().getByteOffset() != offset) {
                        return false;
                    }
                    offset++;
                }
                return p.nextToken() == null;
            } catch (IOException | RuntimeException e) {
                return false;
            }
        }

        /** A {@code data:} line holding what may be an object, trimmed as {@link #chunk} trims it. */
        private void add(int from, int to) {
            if (to - from < 5 || b[from] != 'd' || b[from + 1] != 'a' || b[from + 2] != 't' || b[from + 3] != 'a' || b[from + 4] != ':') {
                return;
            }
            int s = from + 5;
            int e = to;
            while (s < e && (b[s] & 0xff) <= ' ') {
                s++;
            }
            while (e > s && (b[e - 1] & 0xff) <= ' ') {
                e--;
            }
            if (s == e || b[s] != '{') {
                return;
            }
            if (2 * count == ranges.length) {
                ranges = java.util.Arrays.copyOf(ranges, ranges.length * 2);
            }
            ranges[2 * count] = s;
            ranges[2 * count + 1] = e;
            count++;
        }

        @Override
        public int read() {
            byte[] one = new byte[1];
            return read(one, 0, 1) < 0 ? -1 : one[0] & 0xff;
        }

        @Override
        public int read(byte[] out, int off, int len) {
            if (len == 0) {
                return 0;
            }
            if (k == count) {
                return -1;
            }
            if (pos < 0) {
                pos = ranges[2 * k];
            }
            int e = ranges[2 * k + 1];
            if (pos == e) {
                out[off] = '\n';
                k++;
                pos = -1;
                return 1;
            }
            int n = Math.min(len, e - pos);
            System.arraycopy(b, pos, out, off, n);
            pos += n;
            return n;
        }
    }

    /** One line of the stream: a {@code data:} line holding a JSON object counts; a malformed one is skipped. */
    private static void chunk(Acc acc, byte[] b, int from, int to) {
        if (to - from < 5 || b[from] != 'd' || b[from + 1] != 'a' || b[from + 2] != 't' || b[from + 3] != 'a' || b[from + 4] != ':') {
            return;
        }
        int s = from + 5;
        int e = to;
        while (s < e && (b[s] & 0xff) <= ' ') { // what String.trim() removes; UTF-8 never encodes those in several bytes
            s++;
        }
        while (e > s && (b[e - 1] & 0xff) <= ' ') {
            e--;
        }
        if (s == e || b[s] != '{') {
            return;
        }
        try {
            if (acc.stream(b, s, e - s, "delta")) {
                return;
            }
        } catch (IOException ex) {
            // malformed, or not UTF-8: read as the string it decodes to, as before
        }
        try {
            acc.choice(JSON.readTree(new String(b, s, e - s, StandardCharsets.UTF_8)), "delta");
        } catch (IOException ex) {
            // one malformed chunk: the rest of the stream still counts
        }
    }

    /** Collects the first choice's text and log-probabilities. */
    private static final class Acc {
        final int maxChars;
        final StringBuilder text = new StringBuilder();
        double[] lp; // allocated with the first log-probability: most answers carry none
        int n;
        boolean anyLogprobs;
        boolean badLogprobs;
        boolean truncated;

        Acc(int maxChars) {
            this.maxChars = maxChars;
        }

        /** What {@link #rollback} returns to. */
        private int markText;
        private int markN;
        private boolean markAny;
        private boolean markBad;
        private boolean markTruncated;

        private void mark() {
            markText = text.length();
            markN = n;
            markAny = anyLogprobs;
            markBad = badLogprobs;
            markTruncated = truncated;
        }

        private void rollback() {
            text.setLength(markText);
            n = markN;
            anyLogprobs = markAny;
            badLogprobs = markBad;
            truncated = markTruncated;
        }

        /**
         * Reads one document in a streaming pass, as {@link #choice(JsonNode, String)} reads its tree.
         * Returns false, with nothing applied, when a key the pass reads is given twice (a tree keeps the
         * last); throws, with nothing applied, when the document is malformed.
         */
        boolean stream(byte[] b, int off, int len, String field) throws IOException {
            mark();
            try (JsonParser p = FACTORY.createParser(b, off, len)) {
                boolean ok = p.nextToken() != JsonToken.START_OBJECT || document(p, field);
                if (!ok) {
                    rollback();
                }
                return ok;
            } catch (IOException | RuntimeException e) {
                rollback();
                throw e instanceof IOException io ? io : new IOException(e);
            }
        }

        private boolean document(JsonParser p, String field) throws IOException {
            this.field = field;
            return only(p, "choices", choices);
        }

        /** A value the pass reads at its first token; false when a key inside it is given twice. */
        @FunctionalInterface
        private interface Value {
            boolean read(JsonParser p, JsonToken t) throws IOException;
        }

        /**
         * Reads the object's field {@code name} with {@code value} and skips the others; false when the field is
         * given twice (a tree keeps the last) or {@code value} says so.
         */
        private static boolean only(JsonParser p, String name, Value value) throws IOException {
            boolean seen = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String n = p.currentName();
                JsonToken t = p.nextToken();
                if (!name.equals(n)) {
                    p.skipChildren();
                    continue;
                }
                if (seen || !value.read(p, t)) {
                    return false;
                }
                seen = true;
            }
            return true;
        }

        /** The field whose content is the text: {@code message} or {@code delta}. */
        private String field;
        private final Value choices = this::choices;
        private final Value content = this::content;
        private final Value tokens = this::tokens;

        private boolean choices(JsonParser p, JsonToken t) throws IOException {
            if (t != JsonToken.START_ARRAY) {
                p.skipChildren();
                return true;
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren(); // not an object: its index reads as 0, but it holds nothing
                    continue;
                }
                if (!choice(p, field)) {
                    return false;
                }
            }
            return true;
        }

        /** One choice object; applied at once and taken back at its end unless its index reads as 0. */
        private boolean choice(JsonParser p, String field) throws IOException {
            int text0 = text.length();
            int n0 = n;
            boolean any0 = anyLogprobs;
            boolean bad0 = badLogprobs;
            boolean trunc0 = truncated;
            int index = 0;
            boolean seenIndex = false;
            boolean seenField = false;
            boolean seenLogprobs = false;
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken t = p.nextToken();
                if ("index".equals(name)) {
                    if (seenIndex) {
                        return false;
                    }
                    seenIndex = true;
                    if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
                        index = p.getIntValue(); // what the tree's IntNode.asInt gives, without a tree
                    } else {
                        index = t == JsonToken.VALUE_NULL ? 0 : t.isScalarValue() ? JSON.<JsonNode>readTree(p).asInt(0) : skip(p);
                    }
                } else if (field.equals(name) || "logprobs".equals(name)) {
                    boolean message = field.equals(name);
                    if (message ? seenField : seenLogprobs) {
                        return false;
                    }
                    seenField |= message;
                    seenLogprobs |= !message;
                    // the text is the message's content; the log-probabilities are the logprobs' content
                    if (t != JsonToken.START_OBJECT) {
                        p.skipChildren();
                    } else if (!only(p, "content", message ? content : tokens)) {
                        return false;
                    }
                } else {
                    p.skipChildren();
                }
            }
            if (index != 0) {
                text.setLength(text0);
                n = n0;
                anyLogprobs = any0;
                badLogprobs = bad0;
                truncated = trunc0;
            }
            return true;
        }

        private static int skip(JsonParser p) throws IOException {
            p.skipChildren();
            return 0; // an object or array reads as index 0
        }

        private boolean content(JsonParser p, JsonToken t) throws IOException {
            if (t == JsonToken.VALUE_STRING) {
                // the parser's own buffer: no String per message or delta
                append(p.getTextCharacters(), p.getTextOffset(), p.getTextLength());
            } else {
                p.skipChildren();
            }
            return true;
        }

        private boolean tokens(JsonParser p, JsonToken t) throws IOException {
            if (t != JsonToken.START_ARRAY) {
                p.skipChildren();
                return true;
            }
            while ((t = p.nextToken()) != JsonToken.END_ARRAY) {
                if (t != JsonToken.START_OBJECT) {
                    p.skipChildren();
                    badLogprobs = true; // not an object: no logprob
                    continue;
                }
                tokenNumber = false;
                tokenValue = Double.NaN;
                if (!only(p, "logprob", logprob)) {
                    return false;
                }
                add(tokenNumber, tokenValue);
            }
            return true;
        }

        /** The token's {@code logprob}: whether it is a number, and its value. */
        private boolean tokenNumber;
        private double tokenValue;
        private final Value logprob = this::logprob;

        private boolean logprob(JsonParser p, JsonToken t) throws IOException {
            tokenNumber = t == JsonToken.VALUE_NUMBER_INT || t == JsonToken.VALUE_NUMBER_FLOAT;
            tokenValue = tokenNumber ? p.getDoubleValue() : Double.NaN;
            p.skipChildren();
            return true;
        }

        private void append(char[] b, int off, int len) {
            int room = maxChars - text.length();
            if (len > room) {
                text.append(b, off, Math.max(0, room));
                truncated = true;
            } else {
                text.append(b, off, len);
            }
        }

        private void append(String s) {
            int room = maxChars - text.length();
            if (s.length() > room) {
                text.append(s, 0, Math.max(0, room));
                truncated = true;
            } else {
                text.append(s);
            }
        }

        private void add(boolean number, double v) {
            if (!number || !(v <= 0) || Double.isInfinite(v)) {
                badLogprobs = true; // -9999 style floors are finite; a missing or positive value is not usable
                return;
            }
            if (lp == null) {
                lp = new double[64];
            } else if (n == lp.length) {
                lp = java.util.Arrays.copyOf(lp, n * 2);
            }
            lp[n++] = v;
            anyLogprobs = true;
        }

        /** The tree reading: for the documents the streaming pass hands back. */
        void choice(JsonNode doc, String field) {
            JsonNode choices = doc.path("choices");
            if (!choices.isArray()) {
                return;
            }
            for (JsonNode ch : choices) {
                if (ch.path("index").asInt(0) != 0) {
                    continue;
                }
                JsonNode content = ch.path(field).path("content");
                if (content.isTextual()) {
                    append(content.asText());
                }
                JsonNode lps = ch.path("logprobs").path("content");
                if (lps.isArray()) {
                    for (JsonNode t : lps) {
                        JsonNode v = t.get("logprob");
                        add(v != null && v.isNumber(), v == null ? Double.NaN : v.asDouble());
                    }
                }
            }
        }

        ResponseText result() {
            // perplexity of a truncated or partly unreadable answer would be a number for a different text: none
            double[] l = anyLogprobs && !badLogprobs && !truncated ? java.util.Arrays.copyOf(lp, n) : null;
            return new ResponseText(text.toString(), l, truncated);
        }
    }
}
