package dev.vitals.server.component;

/**
 * A periodic task of a {@link Component}: run every {@code periodMillis}, on a worker thread when
 * {@code blocking} (store or file work), else on the event loop (it must then be quick).
 */
public record Schedule(String name, long periodMillis, boolean blocking, Runnable task) {
    public Schedule {
        if (periodMillis <= 0) {
            throw new IllegalArgumentException("schedule " + name + ": period must be > 0 ms, got " + periodMillis);
        }
    }

    /** A task on a worker thread. */
    public static Schedule blocking(String name, long periodMillis, Runnable task) {
        return new Schedule(name, periodMillis, true, task);
    }

    /** A quick task on the event loop. */
    public static Schedule onLoop(String name, long periodMillis, Runnable task) {
        return new Schedule(name, periodMillis, false, task);
    }
}
