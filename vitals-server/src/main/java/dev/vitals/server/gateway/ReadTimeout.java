package dev.vitals.server.gateway;

import dev.vitals.llm.ErrorType;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientResponse;
import java.util.List;

/**
 * The read timeout of an upstream call: the wait for its response head ({@link OpenAiOperations#send}) and then for
 * each part of its body, so an upstream that goes silent at either point cannot hold the call, and the client,
 * forever. Fires once after {@code timeoutMs} without data (at most {@link TimeoutSweep#TICK_MS} later: its event
 * loop's sweep checks it, where Vert.x's request idle timeout set a timer per call); time paused by the client's
 * back-pressure does not count. Used on the request's event loop only.
 */
final class ReadTimeout implements TimeoutSweep.Watched {
    private final Vertx vertx;
    private final long timeoutMs;
    private final long timeoutNanos;
    private final Runnable onTimeout;
    private long lastNanos = System.nanoTime();
    /** The Vert.x timer, when this was made off an event loop (no sweep there); -1 on the sweep. */
    private long timer = -1;
    private boolean paused;
    private boolean stopped;

    ReadTimeout(Vertx vertx, long timeoutMs, Runnable onTimeout) {
        this.vertx = vertx;
        this.timeoutMs = timeoutMs;
        this.timeoutNanos = timeoutMs * 1_000_000;
        this.onTimeout = onTimeout;
        TimeoutSweep sweep = TimeoutSweep.current(vertx);
        if (sweep != null) {
            sweep.add(this);
        } else {
            this.timer = vertx.setTimer(timeoutMs, id -> check());
        }
    }

    /** A whole response body, failed with a timeout when the upstream stays silent for {@code timeoutMs}. */
    static Future<Buffer> body(Vertx vertx, long timeoutMs, HttpClientResponse resp) {
        Promise<Buffer> p = Promise.promise();
        ReadTimeout rt = new ReadTimeout(vertx, timeoutMs, () -> {
            p.tryFail(exception(timeoutMs));
            resp.request().reset();
        });
        resp.handler(b -> rt.touch());
        resp.body().onComplete(ar -> {
            rt.stop();
            if (ar.succeeded()) {
                p.tryComplete(ar.result());
            } else {
                p.tryFail(ar.cause());
            }
        });
        return p.future();
    }

    static BackendException exception(long timeoutMs) {
        return new BackendException(ErrorType.TIMEOUT, "upstream timed out: no data for " + timeoutMs + " ms");
    }

    void touch() {
        lastNanos = System.nanoTime();
    }

    void pause() {
        paused = true;
    }

    void resume() {
        paused = false;
        touch();
    }

    void stop() {
        if (!stopped) {
            stopped = true;
            if (timer >= 0) {
                vertx.cancelTimer(timer);
            }
        }
    }

    @Override
    public boolean expired(long nowNanos, List<Runnable> fire) {
        if (stopped) {
            return true;
        }
        if (!paused && nowNanos - lastNanos >= timeoutNanos) {
            stopped = true;
            fire.add(onTimeout);
            return true;
        }
        return false;
    }

    private void check() {
        if (stopped) {
            return;
        }
        long idleMs = (System.nanoTime() - lastNanos) / 1_000_000;
        if (!paused && idleMs >= timeoutMs) {
            stopped = true;
            onTimeout.run();
            return;
        }
        timer = vertx.setTimer(Math.max(1, paused ? timeoutMs : timeoutMs - idleMs), id -> check());
    }
}
