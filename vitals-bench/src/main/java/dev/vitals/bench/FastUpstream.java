package dev.vitals.bench;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerResponse;

/**
 * A fast fake OpenAI upstream on loopback: fixed, pre-encoded answers, so that it adds as little as
 * possible to what is measured. Non-streaming: one {@code chat.completion}. Streaming: {@code chunks}
 * content chunks ({@code " tok0"} ... ), a finish chunk, a usage chunk and {@code [DONE]}, in one of two
 * ways, chosen by the request's model:
 * <ul>
 *   <li>{@value #CHUNKED_MODEL}: each event is its own write and flush, the next one {@code gapMillis}
 *       later (0: on the next turn of the event loop), as a model's tokens arrive, so a gateway's
 *       per-read parse, scan and write path runs once per event;</li>
 *   <li>any other model: the whole stream in one write (the cheapest case for a gateway).</li>
 * </ul>
 */
public final class FastUpstream implements AutoCloseable {
    /** The model name that asks for a stream written event by event. */
    public static final String CHUNKED_MODEL = "bench-model-chunked";
    /** The model name of everything else. */
    public static final String MODEL = "bench-model";

    private final Vertx vertx;
    private final HttpServer server;

    private FastUpstream(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static FastUpstream start(int chunks) throws Exception {
        return start(0, chunks, 0);
    }

    /** On {@code port} (0: a free one); per-event streams wait {@code gapMillis} between events. */
    public static FastUpstream start(int port, int chunks, long gapMillis) throws Exception {
        if (chunks < 1 || gapMillis < 0) {
            throw new IllegalArgumentException("chunks must be at least 1 and the gap at least 0 ms");
        }
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Buffer json = Buffer.buffer("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"Paris is the capital of France.\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20}}");
        Buffer[] events = new Buffer[chunks + 3];
        for (int i = 0; i < chunks; i++) {
            events[i] = Buffer.buffer("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                    + "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tok" + i
                    + "\"},\"finish_reason\":null}]}\n\n");
        }
        events[chunks] = Buffer.buffer("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        events[chunks + 1] = Buffer.buffer("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"bench-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":"
                + chunks + ",\"total_tokens\":" + (12 + chunks) + "}}\n\n");
        events[chunks + 2] = Buffer.buffer("data: [DONE]\n\n");
        Buffer whole = Buffer.buffer();
        for (Buffer e : events) {
            whole.appendBuffer(e);
        }
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            String b = body.toString();
            if (!b.contains("\"stream\":true")) {
                req.response().putHeader("content-type", "application/json").end(json);
                return;
            }
            HttpServerResponse resp = req.response().putHeader("content-type", "text/event-stream").setChunked(true);
            if (b.contains("\"model\":\"" + CHUNKED_MODEL + "\"")) {
                // not written from the request's handler: Vert.x flushes writes made while it reads only
                // when the read ends, which would coalesce the events again
                Context ctx = vertx.getOrCreateContext();
                ctx.runOnContext(v -> writeFrom(ctx, resp, events, 0, gapMillis));
            } else {
                resp.end(whole);
            }
        }));
        return new FastUpstream(vertx, server.listen(port, "127.0.0.1").await());
    }

    private static void writeFrom(Context ctx, HttpServerResponse resp, Buffer[] events, int i, long gapMillis) {
        if (resp.closed()) {
            return;
        }
        if (i == events.length - 1) {
            resp.end(events[i]);
            return;
        }
        resp.write(events[i]);
        if (gapMillis > 0) {
            ctx.owner().setTimer(gapMillis, id -> writeFrom(ctx, resp, events, i + 1, gapMillis));
        } else {
            ctx.runOnContext(v -> writeFrom(ctx, resp, events, i + 1, gapMillis));
        }
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        Future.join(server.close(), vertx.close()).await();
    }
}
