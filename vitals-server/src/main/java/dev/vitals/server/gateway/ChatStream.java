package dev.vitals.server.gateway;

import io.vertx.core.Handler;

/**
 * An open chat stream whose first bytes have not been sent to the client yet. Flow control follows
 * Vert.x's ReadStream: {@link #pause()} while the client's write queue is full.
 * Handlers are called on the event loop of the request.
 */
public interface ChatStream {
    /** Starts delivery; each handler is called at most as documented. */
    void start(Handler<StreamEvent> events, Handler<Void> end, Handler<Throwable> error);

    void pause();

    void resume();

    /** Stops the stream (the client went away); no handler is called afterwards. */
    void cancel();

    /** Nanoseconds spent on the upstream so far (from sending the request). */
    long upstreamNanos();
}
