package dev.vitals.server.gateway;

import io.vertx.core.Vertx;

/**
 * What the simulated streams (chat, text completions, responses) share: they emit events on the request's
 * event loop from {@link #emit()}, stop while the client's write queue is full, and time themselves from
 * the call's start. Used on one event loop only, so the flags need no synchronisation.
 */
abstract class PacedStream implements ChatStream {
    private final Vertx vertx;
    final long start;
    ChatStream.StreamSink sink;
    boolean paused;
    boolean cancelled;
    /** A timer will call {@link #emit()}: resume must not start a second loop. */
    boolean scheduled;
    long endNanos;

    PacedStream(Vertx vertx, long start) {
        this.vertx = vertx;
        this.start = start;
    }

    /** Emits events until paused, cancelled, waiting on a timer, or done. */
    abstract void emit();

    @Override
    public void start(ChatStream.StreamSink sink) {
        this.sink = sink;
        emit();
    }

    @Override
    public void pause() {
        paused = true;
    }

    @Override
    public void resume() {
        if (paused) {
            paused = false;
            if (!scheduled && !cancelled) {
                vertx.runOnContext(v -> emit());
            }
        }
    }

    @Override
    public void cancel() {
        cancelled = true;
    }

    @Override
    public long upstreamNanos() {
        return (endNanos == 0 ? System.nanoTime() : endNanos) - start;
    }
}
