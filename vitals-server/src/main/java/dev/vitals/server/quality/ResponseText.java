package dev.vitals.server.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.server.gateway.ResponseCapture;
import java.io.IOException;

/**
 * The assistant's text and token log-probabilities read from a captured answer: the first choice of
 * a {@code chat.completion} body, or the first choice's deltas of a stream's chunks joined. Runs on
 * the evaluation thread; the text lives only as long as the evaluation.
 *
 * @param text the text, cut to the evaluators' bound
 * @param logprobs natural-log probabilities of the output tokens when the answer carried them (every
 *                 one finite and {@code <= 0}), else {@code null}
 * @param truncated whether the answer was longer than was captured or read
 */
record ResponseText(String text, double[] logprobs, boolean truncated) {
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

    /** Collects the first choice's text and log-probabilities. */
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
                            badLogprobs = true; // -9999 style floors are finite; a missing or positive value is not usable
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
            // perplexity of a truncated or partly unreadable answer would be a number for a different text: none
            double[] l = anyLogprobs && !badLogprobs && !truncated ? java.util.Arrays.copyOf(lp, n) : null;
            return new ResponseText(text.toString(), l, truncated);
        }
    }
}
