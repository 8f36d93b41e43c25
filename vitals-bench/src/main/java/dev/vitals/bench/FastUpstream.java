package dev.vitals.bench;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;

/**
 * A fast fake OpenAI upstream on loopback: fixed, pre-encoded answers, so that it adds as little as
 * possible to what is measured. Non-streaming: one {@code chat.completion}. Streaming: {@code chunks}
 * content chunks, a finish chunk, a usage chunk and {@code [DONE]}, written as they would arrive.
 */
public final class FastUpstream implements AutoCloseable {
    private final Vertx vertx;
    private final HttpServer server;

    private FastUpstream(Vertx vertx, HttpServer server) {
        this.vertx = vertx;
        this.server = server;
    }

    public static FastUpstream start(int chunks) throws Exception {
        return start(0, chunks);
    }

    /** On {@code port} (0: a free one). */
    public static FastUpstream start(int port, int chunks) throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        Buffer json = Buffer.buffer("{\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion\",\"created\":1700000000,"
                + "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":"
                + "\"Paris is the capital of France.\"},\"finish_reason\":\"stop\"}],"
                + "\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":8,\"total_tokens\":20}}");
        StringBuilder sse = new StringBuilder();
        for (int i = 0; i < chunks; i++) {
            sse.append("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                    + "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\" tok").append(i)
                    .append("\"},\"finish_reason\":null}]}\n\n");
        }
        sse.append("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"bench-model\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n");
        sse.append("data: {\"id\":\"chatcmpl-bench\",\"object\":\"chat.completion.chunk\",\"created\":1700000000,"
                + "\"model\":\"bench-model\",\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":")
                .append(chunks).append(",\"total_tokens\":").append(12 + chunks).append("}}\n\n");
        sse.append("data: [DONE]\n\n");
        Buffer stream = Buffer.buffer(sse.toString());
        HttpServer server = vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(body -> {
            boolean streaming = body.toString().contains("\"stream\":true");
            if (streaming) {
                req.response().putHeader("content-type", "text/event-stream").setChunked(true).end(stream);
            } else {
                req.response().putHeader("content-type", "application/json").end(json);
            }
        }));
        return new FastUpstream(vertx, server.listen(port, "127.0.0.1").await());
    }

    public int port() {
        return server.actualPort();
    }

    @Override
    public void close() throws Exception {
        Future.join(server.close(), vertx.close()).await();
    }
}
