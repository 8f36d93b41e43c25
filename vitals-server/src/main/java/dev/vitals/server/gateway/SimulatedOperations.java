package dev.vitals.server.gateway;

import dev.vitals.internal.Words;
import dev.vitals.llm.ErrorType;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The simulated model's legacy completions, embeddings and Responses API, with the same latency, token and
 * failure draws as its chat ({@link SimulatedBackend}). Embeddings are deterministic: the same input and model
 * give the same unit vector (seeded by a hash of both), {@code backends[].embeddingDimensions} long unless the
 * request asks for fewer {@code dimensions}; input tokens are the inputs' whitespace-separated words.
 */
final class SimulatedOperations {
    private final Vertx vertx;
    private final VitalsConfig.Backend cfg;

    SimulatedOperations(Vertx vertx, VitalsConfig.Backend cfg) {
        this.vertx = vertx;
        this.cfg = cfg;
    }

    /** The answer to {@code op} once the drawn latency passed and the model did not fail. */
    Completion complete(Operation op, ChatRequest r, SimulatedBackend.Draw d) {
        return switch (op) {
            case EMBEDDINGS -> embeddings(r);
            case TEXT_COMPLETION -> textCompletion(r, d);
            case RESPONSES -> response(r, d);
            case CHAT -> throw new IllegalStateException("chat is SimulatedBackend's own");
        };
    }

    /** A Responses or text completion stream, opened after the time to first token. */
    PacedStream stream(Operation op, ChatRequest r, SimulatedBackend.Draw d, long start) {
        return op == Operation.RESPONSES ? new ResponseStream(r, d, start) : new TextStream(r, d, start);
    }

    private Completion embeddings(ChatRequest r) {
        Object input = r.body().getValue("input");
        List<Object> inputs = new ArrayList<>();
        if (input instanceof JsonArray a && !a.isEmpty() && !(a.getValue(0) instanceof Number)) {
            a.forEach(inputs::add);
        } else {
            inputs.add(input);
        }
        int dims = cfg.embeddingDimensions;
        if (r.body().getValue("dimensions") instanceof Number n) {
            if (n.intValue() > cfg.embeddingDimensions) {
                throw new BackendException(ErrorType.INVALID_REQUEST, "dimensions " + n.intValue() + " is more than model '"
                        + r.model() + "' has (" + cfg.embeddingDimensions + ")");
            }
            dims = n.intValue();
        }
        boolean base64 = "base64".equals(r.body().getValue("encoding_format"));
        JsonArray data = new JsonArray();
        long tokens = 0;
        for (int i = 0; i < inputs.size(); i++) {
            Object in = inputs.get(i);
            String text = in instanceof JsonArray toks ? toks.encode() : String.valueOf(in);
            tokens += in instanceof JsonArray toks ? toks.size() : Words.count(text);
            float[] v = vector(r.model(), text, dims);
            JsonObject e = new JsonObject().put("object", "embedding").put("index", i);
            if (base64) {
                ByteBuffer bb = ByteBuffer.allocate(v.length * 4).order(ByteOrder.LITTLE_ENDIAN);
                for (float f : v) {
                    bb.putFloat(f);
                }
                e.put("embedding", Base64.getEncoder().encodeToString(bb.array()));
            } else {
                JsonArray arr = new JsonArray(new ArrayList<>(v.length));
                for (float f : v) {
                    arr.add((double) f);
                }
                e.put("embedding", arr);
            }
            data.add(e);
        }
        Usage usage = new Usage(tokens, 0, 0);
        JsonObject body = new JsonObject().put("object", "list").put("data", data).put("model", r.model())
                .put("usage", new JsonObject().put("prompt_tokens", tokens).put("total_tokens", tokens));
        return new Completion(body.toBuffer(), "", usage, null).withResponse(null, r.model());
    }

    /** A unit vector that depends only on the model and the text. */
    static float[] vector(String model, String text, int dims) {
        long h = 0xcbf29ce484222325L; // FNV-1a 64
        for (byte b : (model + '\0' + text).getBytes(StandardCharsets.UTF_8)) {
            h ^= b & 0xff;
            h *= 0x100000001b3L;
        }
        SplittableRandom rnd = new SplittableRandom(h);
        float[] v = new float[dims];
        double norm = 0;
        for (int i = 0; i < dims; i++) {
            double x = rnd.nextDouble(-1, 1);
            v[i] = (float) x;
            norm += x * x;
        }
        float inv = (float) (1 / Math.sqrt(norm));
        for (int i = 0; i < dims; i++) {
            v[i] *= inv;
        }
        return v;
    }

    private Completion textCompletion(ChatRequest r, SimulatedBackend.Draw d) {
        String text = String.join("", SimulatedBackend.tokens(r.promptText(), d.outputTokens()));
        Usage usage = SimulatedBackend.usage(r, d);
        String id = "cmpl-" + Ids.random();
        JsonObject body = SimulatedBackend.envelope(id, "text_completion", System.currentTimeMillis() / 1000, r.model())
                .put("choices", new JsonArray().add(new JsonObject().put("text", text).put("index", 0).putNull("logprobs")
                        .put("finish_reason", "stop")))
                .put("usage", SimulatedBackend.usageJson(usage));
        return new Completion(body.toBuffer(), text, usage, "stop").withResponse(id, r.model());
    }

    private Completion response(ChatRequest r, SimulatedBackend.Draw d) {
        String text = String.join("", SimulatedBackend.tokens(r.promptText(), d.outputTokens()));
        Usage usage = SimulatedBackend.usage(r, d);
        String id = "resp_" + Ids.random();
        JsonObject resp = responseObject(id, r.model(), "completed", usage)
                .put("output", new JsonArray().add(message("msg_" + Ids.random(), "completed", text)));
        return new Completion(resp.toBuffer(), text, usage, "stop").withResponse(id, r.model());
    }

    /** A Responses API {@code response} object without output. */
    static JsonObject responseObject(String id, String model, String status, Usage usage) {
        JsonObject o = new JsonObject().put("id", id).put("object", "response").put("created_at", System.currentTimeMillis() / 1000)
                .put("status", status).putNull("error").putNull("incomplete_details").putNull("instructions")
                .put("metadata", new JsonObject()).put("model", model).put("output", new JsonArray())
                .put("parallel_tool_calls", true).put("temperature", 1.0).put("tool_choice", "auto")
                .put("tools", new JsonArray()).put("top_p", 1.0);
        if (usage != null) {
            o.put("usage", new JsonObject().put("input_tokens", usage.promptTokens())
                    .put("input_tokens_details", new JsonObject().put("cached_tokens", usage.cachedTokens()))
                    .put("output_tokens", usage.completionTokens())
                    .put("output_tokens_details", new JsonObject().put("reasoning_tokens", 0))
                    .put("total_tokens", usage.promptTokens() + usage.completionTokens()));
        } else {
            o.putNull("usage");
        }
        return o;
    }

    private static JsonObject message(String id, String status, String text) {
        JsonArray content = new JsonArray();
        if (text != null) {
            content.add(outputText(text));
        }
        return new JsonObject().put("type", "message").put("id", id).put("status", status).put("role", "assistant")
                .put("content", content);
    }

    private static JsonObject outputText(String text) {
        return new JsonObject().put("type", "output_text").put("text", text).put("annotations", new JsonArray());
    }

    /** Legacy completion chunks on timers ({@code choices[].text}), a finish chunk, then the usage-only chunk. */
    private final class TextStream extends PacedStream {
        private final String id = "cmpl-" + Ids.random();
        private final long created = System.currentTimeMillis() / 1000;
        private int next;

        TextStream(ChatRequest req, SimulatedBackend.Draw d, long start) {
            super(vertx, cfg.interTokenDelay, req, d, start);
        }

        @Override
        boolean step() {
            if (next < tokens.length) {
                String t = tokens[next++];
                send(chunk(t, null), t.length(), null, false);
            } else if (next == tokens.length) {
                next++;
                send(chunk("", "stop"), 0, null, false);
            } else {
                endNanos = System.nanoTime();
                send(base().put("choices", new JsonArray()).put("usage", SimulatedBackend.usageJson(usage)), 0, usage, true);
                finish();
                return false;
            }
            return next <= tokens.length;
        }

        private JsonObject base() {
            return SimulatedBackend.envelope(id, "text_completion", created, req.model());
        }

        private JsonObject chunk(String text, String finish) {
            JsonObject c = new JsonObject().put("text", text).put("index", 0).putNull("logprobs");
            if (finish == null) {
                c.putNull("finish_reason");
            } else {
                c.put("finish_reason", finish);
            }
            return base().put("choices", new JsonArray().add(c));
        }

        private void send(JsonObject o, int chars, Usage u, boolean usageOnly) {
            Buffer sse = Buffer.buffer("data: ").appendBuffer(o.toBuffer()).appendString("\n\n");
            String finish = o.getJsonArray("choices").isEmpty() ? null : o.getJsonArray("choices").getJsonObject(0).getString("finish_reason");
            sink.event(StreamEvent.of(sse, chars, chars > 0, u, usageOnly, finish, id, req.model()));
        }
    }

    /** The Responses API's typed events on timers: created, the text's deltas, completed with usage. */
    private final class ResponseStream extends PacedStream {
        private final String id = "resp_" + Ids.random();
        private final String itemId = "msg_" + Ids.random();
        private final StringBuilder text = new StringBuilder();
        private int next = -1;
        private int seq;

        ResponseStream(ChatRequest req, SimulatedBackend.Draw d, long start) {
            super(vertx, cfg.interTokenDelay, req, d, start);
        }

        @Override
        boolean step() {
            if (next == -1) {
                next = 0;
                send("response.created", new JsonObject().put("response", responseObject(id, req.model(), "in_progress", null)), 0, null);
                send("response.output_item.added", new JsonObject().put("output_index", 0)
                        .put("item", message(itemId, "in_progress", null)), 0, null);
                send("response.content_part.added", part().put("part", outputText("")), 0, null);
            } else if (next < tokens.length) {
                String t = tokens[next++];
                text.append(t);
                send("response.output_text.delta", part().put("delta", t).put("logprobs", new JsonArray()), t.length(), null);
            } else {
                String all = text.toString();
                send("response.output_text.done", part().put("text", all).put("logprobs", new JsonArray()), 0, null);
                send("response.content_part.done", part().put("part", outputText(all)), 0, null);
                send("response.output_item.done", new JsonObject().put("output_index", 0)
                        .put("item", message(itemId, "completed", all)), 0, null);
                endNanos = System.nanoTime();
                send("response.completed", new JsonObject().put("response", responseObject(id, req.model(), "completed", usage)
                        .put("output", new JsonArray().add(message(itemId, "completed", all)))), 0, usage);
                finish();
                return false;
            }
            return next <= tokens.length && next > 0;
        }

        private JsonObject part() {
            return new JsonObject().put("item_id", itemId).put("output_index", 0).put("content_index", 0);
        }

        private void send(String type, JsonObject event, int chars, Usage u) {
            JsonObject e = new JsonObject().put("type", type).put("sequence_number", seq++);
            e.getMap().putAll(event.getMap());
            Buffer sse = Buffer.buffer("event: " + type + "\ndata: ").appendBuffer(e.toBuffer()).appendString("\n\n");
            sink.event(StreamEvent.of(sse, chars, chars > 0, u, false, u == null ? null : "stop", id, req.model()));
        }
    }
}
