package dev.vitals.server.gateway;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.ArrayList;
import java.util.List;

/**
 * One periodic sweep per event-loop context over the read timeouts of the calls it runs, instead of a
 * Vert.x timer set and cancelled per call (a scheduled task in the loop's queue and an entry in Vert.x's
 * timer map each). A timeout fires at most {@link #TICK_MS} late. The sweep stops after a second
 * with nothing to watch and starts again with the next call. Kept in the context's data, so it lives
 * and dies with the context as the per-call timers did (Vert.x cancels a context's timers when its
 * verticle is undeployed); used only on that context's event loop.
 */
final class TimeoutSweep {
    static final long TICK_MS = 50;
    private static final int IDLE_TICKS = 20;
    private static final Object KEY = new Object();

    /** What the sweep watches: asked on every tick until it says it is done. */
    interface Watched {
        /** Checks the deadline; returns true when the sweep should forget it (stopped, or fired). */
        boolean expired(long nowNanos, List<Runnable> fire);
    }

    private final Vertx vertx;
    private final List<Watched> watched = new ArrayList<>();
    private final List<Runnable> fire = new ArrayList<>();
    private long timer = -1;
    private int idleTicks;

    private TimeoutSweep(Vertx vertx) {
        this.vertx = vertx;
    }

    /** The sweep of the calling event loop, or {@code null} off an event loop (the caller sets its own timer then). */
    static TimeoutSweep current(Vertx vertx) {
        Context ctx = Vertx.currentContext();
        if (ctx == null || !ctx.isEventLoopContext() || !Context.isOnEventLoopThread() || ctx.owner() != vertx) {
            return null;
        }
        TimeoutSweep s = ctx.get(KEY);
        if (s == null) {
            s = new TimeoutSweep(vertx);
            ctx.put(KEY, s);
        }
        return s;
    }

    void add(Watched w) {
        watched.add(w);
        if (timer < 0) {
            idleTicks = 0;
            timer = vertx.setPeriodic(TICK_MS, id -> tick());
        }
    }

    private void tick() {
        long now = System.nanoTime();
        for (int i = 0; i < watched.size(); ) {
            if (watched.get(i).expired(now, fire)) {
                int last = watched.size() - 1;
                watched.set(i, watched.get(last));
                watched.remove(last);
            } else {
                i++;
            }
        }
        if (watched.isEmpty() && ++idleTicks >= IDLE_TICKS) {
            vertx.cancelTimer(timer);
            timer = -1;
        } else if (!watched.isEmpty()) {
            idleTicks = 0;
        }
        // after the walk: a timeout's action may start another call (a fallback) that adds to the list
        for (int i = 0; i < fire.size(); i++) {
            try {
                fire.get(i).run();
            } catch (RuntimeException e) {
                java.util.logging.Logger.getLogger(TimeoutSweep.class.getName())
                        .log(java.util.logging.Level.WARNING, "a read timeout's action failed", e);
            }
        }
        fire.clear();
    }
}
