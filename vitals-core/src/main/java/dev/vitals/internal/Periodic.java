package dev.vitals.internal;

import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A task run now and then every interval, on the caller's scheduler or on a daemon thread of its own,
 * that can be started once and closed: the life cycle of Vitals' samplers (system, GPU). Not part of
 * the public API.
 */
public final class Periodic {
    private final String owner;
    private final String threadName;
    private final ScheduledExecutorService scheduler;
    private final Duration interval;
    private final Runnable task;
    private ScheduledFuture<?> future; // guarded by this
    private ScheduledExecutorService own; // guarded by this; the thread started when no scheduler was given
    private boolean closed; // guarded by this

    /**
     * @param owner named in the error after close, e.g. {@code SystemMetrics}
     * @param threadName the own thread's name
     * @param scheduler the caller's scheduler (which the caller shuts down), or null for a thread of its own
     */
    public Periodic(String owner, String threadName, ScheduledExecutorService scheduler, Duration interval, Runnable task) {
        this.owner = owner;
        this.threadName = threadName;
        this.scheduler = scheduler;
        this.interval = interval;
        this.task = task;
    }

    /**
     * Runs the task now, then every interval. Calling it again does nothing.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public synchronized void start() {
        if (closed) {
            throw new IllegalStateException(owner + " is closed");
        }
        if (future != null) {
            return;
        }
        ScheduledExecutorService s = scheduler;
        if (s == null) {
            own = s = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
        }
        future = s.scheduleWithFixedDelay(task, 0, interval.toNanos(), TimeUnit.NANOSECONDS);
    }

    /** Stops the task and its own thread; a later {@link #start()} fails. */
    public synchronized void close() {
        closed = true;
        if (future != null) {
            future.cancel(false);
            future = null;
        }
        if (own != null) {
            own.shutdownNow();
            own = null;
        }
    }
}
