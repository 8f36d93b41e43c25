package dev.vitals.server.gateway;

import dev.vitals.llm.ErrorType;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientResponse;

/**
 * An upstream stream passed through as it arrives (chat, Responses, legacy completions): the response it
 * reads under its read timeout, its end, and the client's controls over it (back-pressure, cancel), which
 * are the same whatever the stream's events are. Used on the request's event loop only.
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

    /**
     * Feeds the upstream's bytes to {@code parser} under the read timeout, flushing the sink after each read;
     * a timeout, an unreadable stream or a broken connection fails the stream, and the body's end before the
     * stream's own is {@link #endedEarly}: the upstream's stream "ended before {@code streamEnd}".
     */
    protected final void read(Vertx vertx, long readTimeoutMs, SseParser parser, StreamSink sink, String streamEnd) {
        readTimeout = new ReadTimeout(vertx, readTimeoutMs, () -> finish(sink, ReadTimeout.exception(readTimeoutMs)));
        resp.handler(buf -> {
            if (cancelled || done) {
                return;
            }
            readTimeout.touch();
            try {
                parser.feed(buf);
            } catch (RuntimeException e) {
                finish(sink, new BackendException(ErrorType.BAD_RESPONSE, "upstream stream unreadable: " + e.getMessage()));
                return;
            }
            if (!done && !cancelled) {
                sink.flush();
            }
        });
        resp.exceptionHandler(t -> endedEarly(sink, BackendException.of(t)));
        resp.endHandler(v -> endedEarly(sink, new BackendException(ErrorType.CONNECTION, "upstream stream ended before " + streamEnd)));
        resp.resume();
    }

    /** The upstream's body ended or broke before the stream's own end: a failure, unless a stream knows better. */
    protected void endedEarly(StreamSink sink, BackendException e) {
        finish(sink, e);
    }

    /**
     * Ends the stream once: {@code error == null} is its normal end; a failure first flushes the events
     * queued so far, then resets the upstream's connection.
     */
    protected final void finish(StreamSink sink, BackendException error) {
        if (done || cancelled) {
            return;
        }
        done = true;
        readTimeout.stop();
        endNanos = System.nanoTime();
        released();
        if (error == null) {
            sink.end();
            return;
        }
        sink.flush();
        sink.error(error);
        resp.request().reset();
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
            released();
            resp.request().reset();
        }
    }

    /** The stream has ended (or was cancelled) and reads nothing more: frees what reading it held. */
    protected void released() {
    }

    @Override
    public long upstreamNanos() {
        return (endNanos == 0 ? System.nanoTime() : endNanos) - start;
    }
}
