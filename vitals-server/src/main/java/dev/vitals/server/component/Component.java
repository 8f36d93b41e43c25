package dev.vitals.server.component;

import dev.vitals.server.http.RouteRegistry;
import java.util.List;

/**
 * One feature of the server (quality, drift, cost, ...): it mounts its routes, restores and checkpoints
 * its state, and declares what runs periodically. {@code VitalsServer} wires a list of them, in order,
 * and drives each hook once for all; the metrics a component owns are bound when it is built.
 */
public interface Component {
    /** A short name, for logs. */
    String name();

    /** Mounts this feature's routes (on the main router, on every event loop). */
    default void routes(RouteRegistry routes) {
    }

    /** Loads the state saved by an earlier run (blocking; at start-up). */
    default void restore() {
    }

    /** Checkpoints this feature's state in the store (blocking): every minute and once more on shutdown. */
    default void save() {
    }

    /** Writes what was batched off the hot path (blocking): every store.callFlushMillis and on shutdown, before {@link #save}. */
    default void flush() {
    }

    /** What runs periodically. */
    default List<Schedule> schedules() {
        return List.of();
    }

    /** Stops this feature's own threads and timers (not blocking). */
    default void close() {
    }
}
