package dev.vitals.server.gateway;

import io.vertx.core.Vertx;

/**
 * What the simulated streams (chat, text completions, responses) share: the drawn answer's tokens and usage,
 * and the emit loop. They emit events on the request's event loop one {@link #step()} at a time, wait
 * {@code interTokenDelay} on a timer between steps that ask for it, stop while the client's write queue is
 * full, and time themselves from the call's start. Used on one event loop only, so the flags need no
 * synchronisation.
 */
abstract class PacedStream implements ChatStream {
    private final Vertx vertx;
    /** Milliseconds between paced steps; 0: no timer, everything in one go. */
    private final long delayMs;
    final long start;
    final ChatRequest req;
    /** The answer split into exactly the drawn number of output tokens. */
    final String[] tokens;
    final Usage usage;
    ChatStream.StreamSink sink;
    boolean paused;
    boolean cancelled;
    /** A timer will call {@link #emit()}: resume must not start a second loop. */
    boolean scheduled;
    long endNanos;

    PacedStream(Vertx vertx, double interTokenDelay, ChatRequest req, SimulatedBackend.Draw d, long start) {
        this.vertx = vertx;
        this.delayMs = interTokenDelay > 0 ? Math.max(1, Math.round(interTokenDelay * 1000)) : 0;
        this.start = start;
        this.req = req;
        this.tokens = SimulatedBackend.tokens(req.promptText(), d.outputTokens());
        this.usage = SimulatedBackend.usage(req, d);
    }

    /**
     * Emits the next step's events; returns whether the next step waits {@code interTokenDelay}. The last
     * step sets {@link #endNanos}, emits the last event and calls {@link #finish()}.
     */
    abstract boolean step();

    /** Ends the stream after its last event (unless the client left meanwhile); no step follows. */
    final void finish() {
        if (!cancelled) {
            sink.end();
        }
        cancelled = true;
    }

    /** Emits steps until paused, cancelled, waiting on a timer, or done. */
    final void emit() {
        scheduled = false;
        while (!paused && !cancelled) {
            if (step() && delayMs > 0) {
                sink.flush();
                scheduled = true;
                vertx.setTimer(delayMs, t -> emit());
                return;
            }
        }
        if (!cancelled) {
            sink.flush(); // paused: let the client's queue drain what is written
        }
    }

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
