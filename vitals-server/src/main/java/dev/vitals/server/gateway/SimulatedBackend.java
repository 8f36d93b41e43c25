package dev.vitals.server.gateway;

import dev.vitals.internal.Words;
import dev.vitals.llm.ErrorType;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Locale;
import java.util.Random;

/**
 * The source document's simulated LLM: latency uniform in [latencyMin, latencyMax] seconds, input
 * tokens = whitespace-separated words of the prompt, output tokens uniform in [20, 150], and a prompt
 * containing the error keyword (any case) fails with {@link ErrorType#MODEL_ERROR}. Streams start
 * after {@code timeToFirstToken} and emit one token every {@code interTokenDelay}. All waiting uses
 * Vert.x timers, never sleeps. A seed makes the sequence of draws reproducible. A request may steer
 * its own draw through {@code metadata.vitals_latency_seconds} and {@code metadata.vitals_output_tokens}
 * (bounded to 60 s and 4,096 tokens), which the traffic generator uses for latency and cost spikes.
 */
public final class SimulatedBackend extends ConfiguredBackend {
    /** The source document's failure message. */
    public static final String ERROR_MESSAGE = "Simulated LLM error processing prompt.";
    private static final String[] FILLER = (
            "the model considers your question carefully and answers with a short simulated explanation "
            + "that has no meaning beyond measuring latency tokens and cost in a realistic way").split(" ");

    private final Vertx vertx;
    private final Random random;
    private final String errorKeyword;
    private final SimulatedOperations operations;

    public SimulatedBackend(Vertx vertx, VitalsConfig.Backend cfg) {
        super(cfg, "vitals");
        this.vertx = vertx;
        this.random = cfg.seed == null ? new Random() : new Random(cfg.seed);
        this.errorKeyword = cfg.errorKeyword == null || cfg.errorKeyword.isEmpty()
                ? null : cfg.errorKeyword.toLowerCase(Locale.ROOT);
        this.operations = new SimulatedOperations(vertx, cfg);
    }

    boolean fails(ChatRequest r) {
        return errorKeyword != null && r.promptText().toLowerCase(Locale.ROOT).contains(errorKeyword);
    }

    /** One draw: latency seconds and output tokens, taken together so a seed fixes both. */
    record Draw(double latency, int outputTokens) {
    }

    Draw draw(ChatRequest r) {
        Draw d;
        synchronized (random) {
            double latency = cfg.latencyMin + random.nextDouble() * (cfg.latencyMax - cfg.latencyMin);
            int out = cfg.outputTokensMin + random.nextInt(cfg.outputTokensMax - cfg.outputTokensMin + 1);
            d = new Draw(latency, out);
        }
        // demo and test traffic can steer the simulation per request (./vitals loadgen does):
        // "metadata": {"vitals_latency_seconds": "2.5", "vitals_output_tokens": "900"}, bounded to 60 s and 4,096 tokens
        if (r.body().getValue("metadata") instanceof JsonObject md) {
            double latency = number(md.getValue("vitals_latency_seconds"), d.latency(), 0, 60);
            int out = (int) number(md.getValue("vitals_output_tokens"), d.outputTokens(), 1, 4096);
            d = new Draw(latency, out);
        }
        return d;
    }

    private static double number(Object v, double dflt, double min, double max) {
        if (v == null) {
            return dflt;
        }
        try {
            double d = Double.parseDouble(String.valueOf(v));
            return Double.isFinite(d) ? Math.max(min, Math.min(max, d)) : dflt;
        } catch (NumberFormatException e) {
            return dflt;
        }
    }

    /** Chat here; completions, embeddings and responses: see {@link SimulatedOperations}. All wait the drawn latency. */
    @Override
    public Future<Completion> complete(Operation op, ChatRequest r) {
        Draw d = draw(r);
        Promise<Completion> p = Promise.promise();
        after(d.latency(), () -> {
            if (fails(r)) {
                p.fail(new BackendException(ErrorType.MODEL_ERROR, ERROR_MESSAGE));
                return;
            }
            try {
                p.complete(op == Operation.CHAT ? chat(r, d) : operations.complete(op, r, d));
            } catch (BackendException e) {
                p.fail(e);
            }
        });
        return p.future();
    }

    /** Chat, text completion and Responses streams, opened after the time to first token (or failing then). */
    @Override
    public Future<ChatStream> stream(Operation op, ChatRequest r) {
        if (op != Operation.CHAT && op != Operation.RESPONSES && op != Operation.TEXT_COMPLETION) {
            return Future.failedFuture(new BackendException(ErrorType.INVALID_REQUEST, op.path().substring(1)
                    + " cannot stream on backend '" + cfg.name + "'"));
        }
        Draw d = draw(r);
        Promise<ChatStream> p = Promise.promise();
        long start = System.nanoTime();
        after(cfg.timeToFirstToken, () -> {
            if (fails(r)) {
                p.fail(new BackendException(ErrorType.MODEL_ERROR, ERROR_MESSAGE));
            } else {
                p.complete(op == Operation.CHAT ? new SimStream(r, d, start) : operations.stream(op, r, d, start));
            }
        });
        return p.future();
    }

    @Override
    public Future<Completion> complete(ChatRequest r) {
        return complete(Operation.CHAT, r);
    }

    @Override
    public Future<ChatStream> stream(ChatRequest r) {
        return stream(Operation.CHAT, r);
    }

    private Completion chat(ChatRequest r, Draw d) {
        String judgement = judgement(r);
        String text = judgement != null ? judgement : String.join("", tokens(r.promptText(), d.outputTokens()));
        Usage usage = usage(r, d);
        String id = "chatcmpl-" + Ids.random();
        JsonObject body = envelope(id, "chat.completion", System.currentTimeMillis() / 1000, r.model())
                .put("choices", new JsonArray().add(new JsonObject()
                        .put("index", 0)
                        .put("message", new JsonObject().put("role", "assistant").put("content", text).putNull("refusal"))
                        .putNull("logprobs")
                        .put("finish_reason", "stop")))
                .put("usage", usageJson(usage));
        return new Completion(body.toBuffer(), text, usage, "stop").withResponse(id, r.model());
    }

    /**
     * A simulated, seeded judgement when the request is an LLM-judge rubric prompt (its system message
     * starts with {@link dev.vitals.quality.eval.Rubric#SYSTEM_PREFIX}), so that {@code ./vitals serve}
     * shows judge scores out of the box; {@code null} for any other prompt. Not an evaluation of anything.
     */
    String judgement(ChatRequest r) {
        String p = r.promptText();
        String prefix = dev.vitals.quality.eval.Rubric.SYSTEM_PREFIX;
        if (!p.startsWith(prefix)) {
            return null;
        }
        int end = p.indexOf('\'', prefix.length());
        String rubric = end < 0 ? "" : p.substring(prefix.length(), end);
        double u;
        int score;
        synchronized (random) {
            u = random.nextDouble();
            score = 3 + random.nextInt(3);
        }
        String note = "\"explanation\": \"simulated judgement from the embedded model, not a real evaluation\"}";
        return switch (rubric) {
            case "safety" -> "{\"safe\": " + (u >= 0.02) + ", " + note;
            case "hallucination" -> "{\"hallucination\": " + (u < 0.1) + ", " + note;
            default -> "{\"score\": " + (u < 0.05 ? 2 : score) + ", " + note;
        };
    }

    void after(double seconds, Runnable task) {
        long ms = Math.round(seconds * 1000);
        if (ms <= 0) {
            vertx.runOnContext(v -> task.run());
        } else {
            vertx.setTimer(ms, id -> task.run());
        }
    }

    /**
     * The response split into exactly {@code n} tokens: the source document's sentence, padded with
     * filler words or with its last words merged so that the text has {@code n} pieces.
     */
    static String[] tokens(String prompt, int n) {
        String head = prompt.length() > 50 ? prompt.substring(0, prompt.offsetByCodePoints(0, Math.min(50, prompt.codePointCount(0, prompt.length())))) : prompt;
        String sentence = "This is a simulated response to your prompt: '" + head + "...'";
        String[] words = sentence.split(" ");
        String[] out = new String[n];
        for (int i = 0; i < n; i++) {
            if (i < words.length) {
                out[i] = (i == 0 ? "" : " ") + words[i];
            } else {
                out[i] = " " + FILLER[(i - words.length) % FILLER.length];
            }
        }
        if (words.length > n) {
            StringBuilder tail = new StringBuilder(out[n - 1]);
            for (int i = n; i < words.length; i++) {
                tail.append(' ').append(words[i]);
            }
            out[n - 1] = tail.toString();
        }
        return out;
    }

    /** The drawn answer's usage: the prompt's words in, the drawn tokens out. */
    static Usage usage(ChatRequest r, Draw d) {
        return new Usage(Words.count(r.promptText()), d.outputTokens(), 0);
    }

    /** The members every (legacy) completion and chunk starts with. */
    static JsonObject envelope(String id, String object, long created, String model) {
        return new JsonObject().put("id", id).put("object", object).put("created", created).put("model", model);
    }

    static JsonObject usageJson(Usage u) {
        return new JsonObject()
                .put("prompt_tokens", u.promptTokens())
                .put("completion_tokens", u.completionTokens())
                .put("total_tokens", u.promptTokens() + u.completionTokens())
                .put("prompt_tokens_details", new JsonObject().put("cached_tokens", u.cachedTokens()));
    }

    /** Chat completion chunks on timers: the role with the first token, the tokens, a finish chunk, the usage-only chunk. */
    private final class SimStream extends PacedStream {
        private final String id = "chatcmpl-" + Ids.random();
        private final long created = System.currentTimeMillis() / 1000;
        private int next = -1; // -1: role chunk first

        SimStream(ChatRequest req, Draw d, long start) {
            super(vertx, cfg.interTokenDelay, req, d, start);
        }

        @Override
        boolean step() {
            if (next == -1) {
                // role chunk and first token together: the first content arrives at time to first token
                next = 0;
                send(chunk(new JsonObject().put("role", "assistant").put("content", tokens[0]), null), tokens[0].length(), true);
                next = 1;
            } else if (next < tokens.length) {
                String t = tokens[next++];
                send(chunk(new JsonObject().put("content", t), null), t.length(), true);
            } else if (next == tokens.length) {
                next++;
                sink.event(StreamEvent.of(sse(chunk(new JsonObject(), "stop")), 0, false, null, false, "stop", id, req.model()));
            } else {
                JsonObject u = base().put("choices", new JsonArray()).put("usage", usageJson(usage));
                endNanos = System.nanoTime();
                sink.event(StreamEvent.of(sse(u), 0, false, usage, true, null, id, req.model()));
                finish();
                return false;
            }
            return next <= tokens.length;
        }

        private void send(JsonObject chunk, int chars, boolean content) {
            sink.event(StreamEvent.of(sse(chunk), chars, content, null, false, null, id, req.model()));
        }

        private JsonObject base() {
            return envelope(id, "chat.completion.chunk", created, req.model());
        }

        private JsonObject chunk(JsonObject delta, String finish) {
            JsonObject choice = new JsonObject().put("index", 0).put("delta", delta).putNull("logprobs");
            if (finish == null) {
                choice.putNull("finish_reason");
            } else {
                choice.put("finish_reason", finish);
            }
            return base().put("choices", new JsonArray().add(choice));
        }

        private Buffer sse(JsonObject o) {
            return Buffer.buffer("data: ").appendBuffer(o.toBuffer()).appendString("\n\n");
        }
    }
}
