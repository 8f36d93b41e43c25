package dev.vitals.server.quality;

import dev.vitals.quality.eval.Rubric;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.List;

/**
 * A real OpenAI-compatible chat server on 127.0.0.1 (Vert.x, port 0) for the judge and perplexity
 * tests. A rubric prompt (system message starting with {@link Rubric#SYSTEM_PREFIX}) gets the answer
 * set for its rubric in {@link #answers} (text), or waits {@link #slowMillis} when the rubric is in
 * {@link #slow}. Any other prompt is answered "fine thanks" with token log-probabilities when the
 * request asked for them ({@code "logprobs": true}), as JSON or as Server-Sent Events. Usage: 1,000
 * prompt and 10 completion tokens.
 */
final class FakeJudge implements AutoCloseable {
    final Map<String, String> answers = new ConcurrentHashMap<>();
    final List<String> slow = new CopyOnWriteArrayList<>();
    final List<JsonObject> received = new CopyOnWriteArrayList<>();
    volatile long slowMillis = 3_000;
    static final double[] LOGPROBS = {-0.1, -0.5, -2.0};
    private final Vertx vertx;
    private final HttpServer server;

    FakeJudge(Vertx vertx) {
        this.vertx = vertx;
        this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0))
                .requestHandler(req -> req.body().onSuccess(b -> {
                    JsonObject body = b.toJsonObject();
                    received.add(body);
                    JsonArray msgs = body.getJsonArray("messages");
                    String first = msgs.getJsonObject(0).getString("content", "");
                    boolean logprobs = Boolean.TRUE.equals(body.getValue("logprobs"));
                    String content;
                    long delay = 0;
                    if (first.startsWith(Rubric.SYSTEM_PREFIX)) {
                        String rubric = first.substring(Rubric.SYSTEM_PREFIX.length(), first.indexOf('\'', Rubric.SYSTEM_PREFIX.length()));
                        content = answers.getOrDefault(rubric, "{\"score\": 3}");
                        delay = slow.contains(rubric) ? slowMillis : 0;
                    } else {
                        content = "fine thanks";
                    }
                    JsonObject usage = new JsonObject().put("prompt_tokens", 1000).put("completion_tokens", 10).put("total_tokens", 1010);
                    Runnable answer = () -> {
                        if (req.response().closed()) {
                            return;
                        }
                        if (Boolean.TRUE.equals(body.getValue("stream"))) {
                            req.response().setChunked(true).putHeader("content-type", "text/event-stream");
                            String[] pieces = {"fine", " thanks", ""};
                            for (int i = 0; i < 2; i++) {
                                JsonObject choice = new JsonObject().put("index", 0)
                                        .put("delta", new JsonObject().put("content", pieces[i])).putNull("finish_reason");
                                choice.put("logprobs", logprobs ? new JsonObject().put("content", new JsonArray()
                                        .add(tok(pieces[i], LOGPROBS[i]))) : null);
                                req.response().write("data: " + chunk(body, choice).encode() + "\n\n");
                            }
                            JsonObject last = new JsonObject().put("index", 0).put("delta", new JsonObject()).put("finish_reason", "stop")
                                    .put("logprobs", logprobs ? new JsonObject().put("content", new JsonArray().add(tok(".", LOGPROBS[2]))) : null);
                            req.response().write("data: " + chunk(body, last).put("usage", usage).encode() + "\n\n");
                            req.response().end("data: [DONE]\n\n");
                            return;
                        }
                        JsonObject choice = new JsonObject().put("index", 0)
                                .put("message", new JsonObject().put("role", "assistant").put("content", content))
                                .put("finish_reason", "stop");
                        if (logprobs) {
                            JsonArray toks = new JsonArray();
                            for (double lp : LOGPROBS) {
                                toks.add(tok("t", lp));
                            }
                            choice.put("logprobs", new JsonObject().put("content", toks));
                        }
                        req.response().putHeader("content-type", "application/json").end(new JsonObject()
                                .put("id", "chatcmpl-fake").put("object", "chat.completion").put("created", 0)
                                .put("model", body.getString("model")).put("choices", new JsonArray().add(choice))
                                .put("usage", usage).encode());
                    };
                    if (delay > 0) {
                        vertx.setTimer(delay, id -> answer.run());
                    } else {
                        answer.run();
                    }
                }));
        server.listen().await();
    }

    private static JsonObject tok(String t, double lp) {
        return new JsonObject().put("token", t).put("logprob", lp).put("bytes", new JsonArray()).put("top_logprobs", new JsonArray());
    }

    private static JsonObject chunk(JsonObject body, JsonObject choice) {
        return new JsonObject().put("id", "chatcmpl-fake").put("object", "chat.completion.chunk").put("created", 0)
                .put("model", body.getString("model")).put("choices", new JsonArray().add(choice));
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    long rubricRequests() {
        return received.stream().filter(b -> b.getJsonArray("messages").getJsonObject(0).getString("content", "")
                .startsWith(Rubric.SYSTEM_PREFIX)).count();
    }

    @Override
    public void close() {
        server.close().await();
    }
}
