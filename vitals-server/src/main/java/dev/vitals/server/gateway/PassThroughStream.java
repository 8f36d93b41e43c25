package dev.vitals.server.gateway;

import io.vertx.core.http.HttpClientResponse;

/**
 * An upstream stream passed through as it arrives (chat, Responses, legacy completions): the response it
 * reads, its read timeout, and the client's controls over it (back-pressure, cancel), which are the same
 * whatever the stream's events are. Used on the request's event loop only.
 */
abstract class PassThroughStream implements ChatStream {
    protected final HttpClientResponse resp;
    protected final long start;
    protected ReadTimeout readTimeout;
    protected long endNanos;
    protected boolean done;
    protected boolean cancelled;

    PassThroughStream(HttpClientResponse resp, long start) {
        this.resp = resp;
        this.start = start;
    }

    @Override
    public void pause() {
        resp.pause();
        if (readTimeout != null) {
            readTimeout.pause();
        }
    }

    @Override
    public void resume() {
        if (readTimeout != null) {
            readTimeout.resume();
        }
        resp.resume();
    }

    @Override
    public void cancel() {
        if (readTimeout != null) {
            readTimeout.stop();
        }
        if (!done) {
            cancelled = true;
            endNanos = System.nanoTime();
            resp.request().reset();
        }
    }

    @Override
    public long upstreamNanos() {
        return (endNanos == 0 ? System.nanoTime() : endNanos) - start;
    }
}
