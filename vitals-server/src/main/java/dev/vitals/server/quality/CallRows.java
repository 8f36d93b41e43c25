package dev.vitals.server.quality;

import dev.vitals.server.store.CallRow;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The rows of gateway calls that delayed feedback joins, batched off the hot path: queued here, written
 * every store.callFlushMillis, and found here until written. A full queue drops the row and counts it.
 */
final class CallRows {
    private final Map<String, CallRow> pending = new ConcurrentHashMap<>();
    private final ArrayBlockingQueue<CallRow> queue;
    private final Counter dropped;

    CallRows(int capacity, PrometheusRegistry registry) {
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.dropped = Counter.builder().name("vitals_quality_calls_dropped_total")
                .help("Gateway calls not kept for delayed feedback because the write queue was full.").register(registry);
    }

    /** Queues a row; false (and counted) when the queue is full. */
    boolean offer(CallRow row) {
        // into the pending map first: a flush between the two steps then finds and removes it
        pending.put(row.requestId(), row);
        if (queue.offer(row)) {
            return true;
        }
        pending.remove(row.requestId());
        dropped.inc();
        return false;
    }

    /**
     * Writes queued calls in one transaction; blocking. On SQLite the writer may give the core away between parts of
     * the rows ({@link GroupCommitter#inParts}): a flush of thousands of rows (10 ms of CPU at 25,000 calls/s) held a
     * one-core gateway's event loop up for milliseconds.
     */
    void flush(GroupCommitter writer) {
        List<CallRow> batch = new ArrayList<>();
        queue.drainTo(batch, 10_000);
        if (batch.isEmpty()) {
            return;
        }
        writer.write(tx -> {
            writer.inParts(batch, tx::insertCalls);
            return null;
        }, null);
        batch.forEach(r -> pending.remove(r.requestId()));
    }

    /** A call queued here or already in the store, or null. */
    CallRow find(String requestId, StateStore store) {
        CallRow r = pending.get(requestId);
        return r != null ? r : store.findCall(requestId);
    }
}
