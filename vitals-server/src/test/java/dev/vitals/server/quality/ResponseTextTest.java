package dev.vitals.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.server.gateway.Call;
import dev.vitals.server.gateway.RelayedStreams;
import dev.vitals.server.gateway.ResponseCapture;
import dev.vitals.server.gateway.StreamEvent;
import io.vertx.core.buffer.Buffer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link ResponseText}'s streaming pass reads every answer as the tree reading it replaced did: the
 * former implementation is kept here as the reference and both read the same generated answers,
 * well-formed and not (index in every JSON type, content of every type, log-probabilities good and
 * bad, keys given twice, malformed and non-UTF-8 chunks, trailing bytes, CRLF, truncation).
 */
class ResponseTextTest {
    private static final String[] INDEX = {"", "\"index\":0,", "\"index\":1,", "\"index\":\"0\",", "\"index\":\"1\",",
        "\"index\":0.7,", "\"index\":true,", "\"index\":false,", "\"index\":null,", "\"index\":{},", "\"index\":[1],",
        "\"index\":99999999999,", "\"index\":0,\"index\":1,"};
    private static final String[] CONTENT = {"\"content\":\"Hello\"", "\"content\":\"caf\\u00e9 \\\"q\\\" \\n\"",
        "\"content\":\"\u00e9\u4e2d\ud83d\ude00\"", "\"content\":null", "\"content\":7", "\"content\":{\"a\":1}",
        "\"content\":[\"x\"]", "\"role\":\"assistant\"", "\"content\":\"a\",\"content\":\"b\"", "\"content\":\"\""};
    private static final String[] LOGPROBS = {"", ",\"logprobs\":null", ",\"logprobs\":{\"content\":[{\"token\":\"a\",\"logprob\":-0.5}]}",
        ",\"logprobs\":{\"content\":[{\"logprob\":-1},{\"logprob\":-2.25e-3}]}", ",\"logprobs\":{\"content\":[{\"logprob\":0.1}]}",
        ",\"logprobs\":{\"content\":[{\"logprob\":\"-1\"}]}", ",\"logprobs\":{\"content\":[{\"token\":\"x\"}]}",
        ",\"logprobs\":{\"content\":[3]}", ",\"logprobs\":{\"content\":[{\"logprob\":-1e400}]}",
        ",\"logprobs\":{\"content\":[{\"logprob\":-9999.0}]}", ",\"logprobs\":{\"content\":[]}", ",\"logprobs\":{\"content\":{}}",
        ",\"logprobs\":[1]", ",\"logprobs\":{\"content\":[{\"logprob\":-1,\"logprob\":-2}]}",
        ",\"logprobs\":{\"content\":[{\"logprob\":null}]}", ",\"logprobs\":{\"content\":[{\"logprob\":-123456789012345678901234567890}]}"};

    private static final String[] PIECES = {"w", " w\\u00e9", "\\n", "\u4e2d", " \\\"x\\\"", "\ud83d\ude00", ""};

    private static String choice(Random rnd, String field) {
        int k = rnd.nextInt(20);
        if (k == 0) {
            return "7";
        }
        if (k == 1) {
            return "null";
        }
        String msg = k == 2 ? "\"" + field + "\":\"text\"" : k == 3 ? "\"" + field + "\":{\"content\":\"a\"},\"" + field + "\":{}"
                : "\"" + field + "\":{" + CONTENT[rnd.nextInt(CONTENT.length)] + "}";
        return "{" + INDEX[rnd.nextInt(INDEX.length)] + msg + LOGPROBS[rnd.nextInt(LOGPROBS.length)]
                + (rnd.nextBoolean() ? ",\"finish_reason\":null" : "") + "}";
    }

    private static String document(Random rnd, String field) {
        int k = rnd.nextInt(30);
        if (k == 0) {
            return "{\"choices\":[]}";
        }
        if (k == 1) {
            return "{\"choices\":{}}";
        }
        if (k == 2) {
            return "{\"object\":\"chat.completion.chunk\",\"usage\":{\"prompt_tokens\":3}}";
        }
        if (k == 3) {
            return "{\"choices\":[" + choice(rnd, field) + "],\"choices\":[" + choice(rnd, field) + "]}";
        }
        StringBuilder sb = new StringBuilder("{\"id\":\"c1\",\"nested\":{\"choices\":[{\"index\":0}]},\"choices\":[");
        int n = 1 + rnd.nextInt(3);
        for (int i = 0; i < n; i++) {
            sb.append(i == 0 ? "" : ",").append(choice(rnd, field));
        }
        sb.append("]}");
        String doc = sb.toString();
        int damage = rnd.nextInt(12);
        if (damage == 0) {
            return doc.substring(0, rnd.nextInt(doc.length())); // cut
        }
        if (damage == 1) {
            return doc + " trailing";
        }
        if (damage == 2) {
            return doc.replace("\"id\"", "\"i\\qd\""); // a bad escape in a field nobody reads
        }
        return doc;
    }

    @Test
    void streamsReadAsTheTreeReadThem() throws IOException {
        Random rnd = new Random(42);
        int[] ways = new int[3]; // failed by the relay, text read by the relay, read again
        for (int run = 0; run < 3000; run++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int chunks = 1 + rnd.nextInt(6);
            for (int i = 0; i < chunks; i++) {
                int k = rnd.nextInt(14);
                String eol = rnd.nextInt(5) == 0 ? "\r\n" : "\n";
                if (k == 0) {
                    out.write(("data: [DONE]" + eol + eol).getBytes(StandardCharsets.UTF_8));
                } else if (k == 1) {
                    out.write((": keep-alive" + eol + "event: x" + eol).getBytes(StandardCharsets.UTF_8));
                } else if (k == 2) { // not UTF-8 inside a string: the old reading saw U+FFFD
                    out.write("data: {\"choices\":[{\"delta\":{\"content\":\"a".getBytes(StandardCharsets.UTF_8));
                    out.write(new byte[] {(byte) 0xC3, (byte) 0x28, (byte) 0xff});
                    out.write(("b\"}}]}" + eol + eol).getBytes(StandardCharsets.UTF_8));
                } else if (k == 3) {
                    out.write(("data:   [1,2]" + eol + "data:" + eol + "data:  " + eol).getBytes(StandardCharsets.UTF_8));
                } else {
                    out.write(((rnd.nextBoolean() ? "data: " : "data:\t ") + document(rnd, "delta") + "  " + eol + eol)
                            .getBytes(StandardCharsets.UTF_8));
                }
            }
            byte[] bytes = out.toByteArray();
            int maxChars = rnd.nextInt(4) == 0 ? rnd.nextInt(12) : 100_000;
            int maxBytes = rnd.nextInt(5) == 0 ? rnd.nextInt(bytes.length + 1) : 1 << 20;
            capturedAndRelayedAsTheTreeReadsThem(bytes, maxChars, maxBytes, new Random(run), ways);
        }
        // this corpus is mostly edge cases (CRLF, log-probabilities, keys given twice): most are read again
        assertThat(ways[1]).as("streams whose text the relay read").isGreaterThanOrEqualTo(30);
        assertThat(ways[2]).as("relayed streams read again").isGreaterThan(300);
    }

    /**
     * Streams as upstreams send them (many chunks, rarely a bad one), which the one-parser pass reads whole
     * unless a chunk is bad: the same as the tree reading either way.
     */
    @Test
    void longStreamsOfMostlyGoodChunksReadAsTheTreeReadThem() throws IOException {
        Random rnd = new Random(23);
        int[] ways = new int[3];
        for (int run = 0; run < 2000; run++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            int chunks = 1 + rnd.nextInt(40);
            boolean bad = rnd.nextInt(3) == 0;
            for (int i = 0; i < chunks; i++) {
                String doc = bad && rnd.nextInt(chunks) == 0 ? document(rnd, "delta")
                        : "{\"id\":\"c\",\"choices\":[{\"index\":" + (rnd.nextInt(10) == 0 ? 1 : 0) + ",\"delta\":{\"content\":\""
                        + PIECES[rnd.nextInt(PIECES.length)] + i + "\"}" + LOGPROBS[rnd.nextInt(3)] + "}]}";
                out.write(("data: " + doc + (rnd.nextBoolean() ? "\r\n\r\n" : "\n\n")).getBytes(StandardCharsets.UTF_8));
            }
            if (rnd.nextBoolean()) {
                out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            }
            byte[] bytes = out.toByteArray();
            int maxChars = rnd.nextInt(6) == 0 ? rnd.nextInt(40) : 100_000;
            int maxBytes = rnd.nextInt(6) == 0 ? rnd.nextInt(bytes.length + 1) : 1 << 20;
            capturedAndRelayedAsTheTreeReadsThem(bytes, maxChars, maxBytes, new Random(run), ways);
        }
        assertThat(ways[1]).as("streams whose text the relay read").isGreaterThanOrEqualTo(20);
        assertThat(ways[2]).as("relayed streams read again").isGreaterThan(100);
    }

    /** Captures {@code bytes} as the gateway does (event by event, up to the bound) and compares both readings. */
    private static void readAsTheTree(byte[] bytes, int maxChars, int maxBytes) {
        Call call = new Call("r", 0);
        ResponseCapture c = call.capture(maxBytes);
        for (String ev : new String(bytes, StandardCharsets.ISO_8859_1).split("(?<=\n\n)")) {
            byte[] eb = ev.getBytes(StandardCharsets.ISO_8859_1);
            call.captureEvent(new StreamEvent(eb, 0, eb.length, 0, false, null, false, null));
        }
        same(ResponseText.of(c, maxChars), Reference.of(c, maxChars), new String(bytes, StandardCharsets.UTF_8));
    }

    /**
     * Streams as OpenAI-compatible servers write them (a role chunk, content chunks of every kind of text, a second
     * choice, empty deltas, a finish chunk, a usage chunk, {@code [DONE]}): the relay reads their text itself, every
     * time, and it is what the tree reading finds.
     */
    @Test
    void typicalStreamsAreReadByTheRelayAsTheTreeReadsThem() throws IOException {
        Random rnd = new Random(11);
        int[] ways = new int[3];
        for (int run = 0; run < 2000; run++) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            String head = "{\"id\":\"chatcmpl-1\",\"object\":\"chat.completion.chunk\",\"created\":1733000000,\"model\":\"m\","
                    + "\"system_fingerprint\":\"fp\",\"choices\":[";
            out.write(("data: " + head + "{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"\"},\"logprobs\":null,"
                    + "\"finish_reason\":null}]}\n\n").getBytes(StandardCharsets.UTF_8));
            int chunks = rnd.nextInt(30);
            for (int i = 0; i < chunks; i++) {
                int index = rnd.nextInt(8) == 0 ? 1 : 0;
                String delta = rnd.nextInt(10) == 0 ? "{}" : "{\"content\":\"" + PIECES[rnd.nextInt(PIECES.length)] + i + "\"}";
                String choice = (rnd.nextBoolean() ? "{\"index\":" + index + ",\"delta\":" + delta
                        : "{\"delta\":" + delta + ",\"index\":" + index) + (rnd.nextBoolean() ? ",\"logprobs\":null" : "")
                        + ",\"finish_reason\":null}";
                if (rnd.nextInt(10) == 0) {
                    choice += ",{\"index\":2,\"delta\":{\"content\":\"other\"}}";
                }
                out.write(("data: " + head + choice + "]}\n\n").getBytes(StandardCharsets.UTF_8));
            }
            out.write(("data: " + head + "{\"index\":0,\"delta\":{},\"logprobs\":null,\"finish_reason\":\"stop\"}]}\n\n")
                    .getBytes(StandardCharsets.UTF_8));
            if (rnd.nextBoolean()) {
                out.write(("data: " + head + "],\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":5,\"total_tokens\":8}}\n\n")
                        .getBytes(StandardCharsets.UTF_8));
            }
            out.write("data: [DONE]\n\n".getBytes(StandardCharsets.UTF_8));
            byte[] bytes = out.toByteArray();
            int maxChars = rnd.nextInt(6) == 0 ? rnd.nextInt(40) : 100_000;
            int maxBytes = rnd.nextInt(6) == 0 ? rnd.nextInt(bytes.length + 1) : 1 << 20;
            relayedAsTheTreeReadsThem(bytes, maxChars, maxBytes, new Random(run), ways);
        }
        assertThat(ways[0]).as("streams the relay failed").isZero();
        // all but those whose first event was over the byte bound (nothing captured: read as before)
        assertThat(ways[1]).as("streams whose text the relay read").isGreaterThan(1900);
    }

    /**
     * Events the relay does not read line by line as the evaluators would (lines ended by CR alone, several data lines
     * in one event, a CRLF event after plain ones) leave the stream to be read again: as the tree reads it (the relay's
     * own text would be "AB", "A" and "AB" here).
     */
    @Test
    void eventsNotWrittenThePlainWayAreReadAgain() {
        String a = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"A\"}}]}";
        String b = "{\"choices\":[{\"index\":0,\"delta\":{\"content\":\"B\"}}]}";
        for (String sse : java.util.List.of("data: " + a + "\r\rdata: " + b + "\r\r", "data: " + a + "\ndata: " + b + "\n\n",
                "data: " + a + "\n\ndata: " + b + "\r\n\r\n")) {
            int[] ways = new int[3];
            relayedAsTheTreeReadsThem(sse.getBytes(StandardCharsets.UTF_8), 1000, 1 << 20, new Random(1), ways);
            assertThat(ways).as(sse).containsExactly(0, 0, 1);
        }
    }

    /** Both readings of a stream: as captured event by event ({@link #readAsTheTree}) and as relayed. */
    private static void capturedAndRelayedAsTheTreeReadsThem(byte[] bytes, int maxChars, int maxBytes, Random reads, int[] ways) {
        readAsTheTree(bytes, maxChars, maxBytes);
        relayedAsTheTreeReadsThem(bytes, maxChars, maxBytes, reads, ways);
    }

    /**
     * Relays {@code bytes} as the gateway does (its parser and scanner, in reads of random sizes), which keeps the
     * stream's text when every chunk is read exactly: the evaluators then read that text, and it must be what the
     * tree reading finds in the same capture. A stream the relay fails is not evaluated.
     */
    private static void relayedAsTheTreeReadsThem(byte[] bytes, int maxChars, int maxBytes, Random reads, int[] ways) {
        Call call = new Call("r", 0);
        ResponseCapture c = call.capture(maxBytes);
        if (!RelayedStreams.capture(bytes, call, reads)) {
            ways[0]++;
            return;
        }
        ways[c.streamText() != null ? 1 : 2]++;
        same(ResponseText.of(c, maxChars), Reference.of(c, maxChars), new String(bytes, StandardCharsets.UTF_8));
    }

    @Test
    void bodiesReadAsTheTreeReadThem() {
        Random rnd = new Random(7);
        for (int run = 0; run < 3000; run++) {
            String doc = rnd.nextInt(40) == 0 ? (rnd.nextBoolean() ? "" : "[1,{\"choices\":2}]") : document(rnd, "message");
            int maxChars = rnd.nextInt(4) == 0 ? rnd.nextInt(12) : 100_000;
            Call call = new Call("r", 0);
            ResponseCapture c = call.capture(1 << 20);
            call.captureBody(Buffer.buffer(doc));
            same(ResponseText.of(c, maxChars), Reference.of(c, maxChars), doc);
        }
    }

    @Test
    void aPlainCompletionAndStream() {
        Call call = new Call("r", 0);
        ResponseCapture c = call.capture(1 << 20);
        call.captureBody(Buffer.buffer("{\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Hi there\"},"
                + "\"logprobs\":{\"content\":[{\"token\":\"Hi\",\"logprob\":-0.25},{\"token\":\" there\",\"logprob\":-1.5}]}}]}"));
        ResponseText t = ResponseText.of(c, 1000);
        assertThat(t.text()).isEqualTo("Hi there");
        assertThat(t.logprobs()).containsExactly(-0.25, -1.5);
        assertThat(t.truncated()).isFalse();
    }

    private static void same(ResponseText got, ResponseText want, String input) {
        assertThat(got.text()).as(input).isEqualTo(want.text());
        assertThat(got.logprobs()).as(input).isEqualTo(want.logprobs());
        assertThat(got.truncated()).as(input).isEqualTo(want.truncated());
    }

    /** The tree reading as it was before the streaming pass (commit 4bc9def), kept as the reference. */
    private static final class Reference {
        private static final ObjectMapper JSON = new ObjectMapper();

        static ResponseText of(ResponseCapture c, int maxChars) {
            Acc acc = new Acc(maxChars);
            if (c.body() != null) {
                try {
                    acc.choice(JSON.readTree(c.body().getBytes()), "message");
                } catch (IOException e) {
                    return new ResponseText("", null, false);
                }
            } else if (c.events() != null) {
                for (String line : c.events().split("\n")) {
                    if (!line.startsWith("data:")) {
                        continue;
                    }
                    String data = line.substring(5).trim();
                    if (data.isEmpty() || data.equals("[DONE]") || data.charAt(0) != '{') {
                        continue;
                    }
                    try {
                        acc.choice(JSON.readTree(data), "delta");
                    } catch (IOException e) {
                        // one malformed chunk: the rest of the stream still counts
                    }
                }
                acc.truncated |= c.truncated();
            }
            return acc.result();
        }

        private static final class Acc {
            final int maxChars;
            final StringBuilder text = new StringBuilder();
            double[] lp = new double[64];
            int n;
            boolean anyLogprobs;
            boolean badLogprobs;
            boolean truncated;

            Acc(int maxChars) {
                this.maxChars = maxChars;
            }

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
                        String s = content.asText();
                        int room = maxChars - text.length();
                        if (s.length() > room) {
                            text.append(s, 0, Math.max(0, room));
                            truncated = true;
                        } else {
                            text.append(s);
                        }
                    }
                    JsonNode lps = ch.path("logprobs").path("content");
                    if (lps.isArray()) {
                        for (JsonNode t : lps) {
                            JsonNode v = t.get("logprob");
                            if (v == null || !v.isNumber() || !(v.asDouble() <= 0) || Double.isInfinite(v.asDouble())) {
                                badLogprobs = true;
                                continue;
                            }
                            if (n == lp.length) {
                                lp = java.util.Arrays.copyOf(lp, n * 2);
                            }
                            lp[n++] = v.asDouble();
                            anyLogprobs = true;
                        }
                    }
                }
            }

            ResponseText result() {
                double[] l = anyLogprobs && !badLogprobs && !truncated ? java.util.Arrays.copyOf(lp, n) : null;
                return new ResponseText(text.toString(), l, truncated);
            }
        }
    }
}
