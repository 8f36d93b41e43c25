package dev.vitals.internal;

import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A logger for the recording path: the first failure is logged, then at most one per interval, so that
 * a failure on every call cannot flood the log (the callers count every failure in a self-metric). Safe
 * for concurrent use without locks. Not part of the public API.
 */
public final class ThrottledLogger {
    private final Logger logger;
    private final long intervalNanos;
    private final LongSupplier nanoClock;
    // null until the first line: the clock's origin is arbitrary (System.nanoTime may be negative or 0)
    private final AtomicReference<Long> lastNanos = new AtomicReference<>();

    /** Throttled on {@link System#nanoTime()}. */
    public ThrottledLogger(Logger logger, Duration interval) {
        this(logger, interval, System::nanoTime);
    }

    /**
     * @param interval at least this long between two lines (positive)
     * @param nanoClock a monotonic clock in nanoseconds
     */
    public ThrottledLogger(Logger logger, Duration interval, LongSupplier nanoClock) {
        this.logger = Objects.requireNonNull(logger, "logger must not be null");
        Args.positive(interval, "interval");
        this.intervalNanos = interval.toNanos();
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock must not be null");
    }

    /**
     * Logs the line when none was logged in the last interval (and always the first time).
     *
     * @return whether it was logged
     */
    public boolean log(Level level, String message, Throwable thrown) {
        if (!logger.isLoggable(level)) {
            return false;
        }
        long now = nanoClock.getAsLong();
        Long last = lastNanos.get();
        if ((last != null && now - last < intervalNanos) || !lastNanos.compareAndSet(last, now)) {
            return false;
        }
        logger.log(level, message, thrown);
        return true;
    }

    /** {@link #log} at {@link Level#WARNING}. */
    public boolean warning(String message, Throwable thrown) {
        return log(Level.WARNING, message, thrown);
    }
}
