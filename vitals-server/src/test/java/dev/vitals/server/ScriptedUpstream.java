package dev.vitals.server;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A real HTTP server on 127.0.0.1 that answers {@code POST /v1/chat/completions} with exactly the
 * bytes a test scripts per requested model: the faults a real upstream (or a proxy in front of it)
 * produces — malformed bodies, bad or error events, streams without {@code [DONE]}, cut connections —
 * which {@link FakeOpenAiUpstream}'s well-behaved scenarios never send.
 */
final class ScriptedUpstream implements AutoCloseable {
    /** How to answer one request: status, content type, the writes in order, then end, end without more, or cut. */
    record Script(int status, String contentType, List<String> writes, Ending ending) {
        static Script json(int status, String body) {
            return new Script(status, "application/json", List.of(body), Ending.END);
        }

        static Script sse(Ending ending, String... dataPayloads) {
            List<String> w = new java.util.ArrayList<>();
            for (String d : dataPayloads) {
                w.add("data: " + d + "\n\n");
            }
            return new Script(200, "text/event-stream", w, ending);
        }
    }

    enum Ending { END, CUT }

    /** Answers a request given its JSON body: lets a script depend on what was sent (stream_options, say). */
    interface Responder {
        Script answer(JsonObject body);
    }

    private final HttpServer server;
    private final Map<String, Responder> byModel = new ConcurrentHashMap<>();
    private final List<JsonObject> received = new CopyOnWriteArrayList<>();

    private ScriptedUpstream(Vertx vertx) {
        server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1"));
        server.requestHandler(this::handle);
    }

    static ScriptedUpstream start(Vertx vertx) {
        ScriptedUpstream u = new ScriptedUpstream(vertx);
        FakeOpenAiUpstream.await(u.server.listen(0));
        return u;
    }

    String baseUrl() {
        return "http://127.0.0.1:" + server.actualPort() + "/v1";
    }

    ScriptedUpstream on(String model, Script s) {
        byModel.put(model, b -> s);
        return this;
    }

    ScriptedUpstream on(String model, Responder r) {
        byModel.put(model, r);
        return this;
    }

    /** Request bodies received for {@code model}, in order. */
    List<JsonObject> received(String model) {
        return received.stream().filter(b -> model.equals(b.getString("model"))).toList();
    }

    private void handle(HttpServerRequest req) {
        req.body().onSuccess(buf -> {
            JsonObject body = buf.toJsonObject();
            received.add(body);
            Responder r = byModel.get(body.getString("model"));
            if (r == null) {
                req.response().setStatusCode(404).end("{\"error\":{\"message\":\"no script\",\"type\":\"invalid_request_error\"}}");
                return;
            }
            Script s = r.answer(body);
            var resp = req.response().setStatusCode(s.status()).putHeader("content-type", s.contentType()).setChunked(true);
            Future<Void> last = resp.writeHead();
            for (String w : s.writes()) {
                last = resp.write(Buffer.buffer(w));
            }
            if (s.ending() == Ending.CUT) {
                last.onComplete(ar -> req.connection().close());
            } else {
                resp.end();
            }
        });
    }

    @Override
    public void close() {
        FakeOpenAiUpstream.await(server.close());
    }
}
