package dev.vitals.server.store;

import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * The store's one writer thread: whatever writes arrived while the previous batch was being committed
 * are committed together in one transaction (a group commit), so a burst of acknowledged items costs
 * one commit, not one each. A caller acknowledges its item (the 2xx) only when its future completes,
 * i.e. after the commit: what was acknowledged is in the database (SQLite: in its write-ahead log,
 * handed to the operating system, which a killed process cannot lose).
 *
 * <p>Each write may have an after-commit step; these run on the writer thread in commit order, so a
 * component that applies journaled items to memory there sees them in sequence order. A batch that
 * fails is retried one write at a time, so one bad write fails alone. With SQLite, committed writes are
 * synced ({@link StateStore#sync}) at most {@code syncMillis} later: what a power loss can take.
 */
public final class GroupCommitter implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GroupCommitter.class.getName());
    /** Writes waiting at most; past it a write fails at once (the caller answers 503) instead of queueing without bound. */
    static final int MAX_QUEUED = 50_000;
    private static final int MAX_BATCH = 2_000;
    /**
     * CPU time the writer works between yields. On a gateway with one core, a group of thousands of call rows
     * (10 ms of CPU at 25,000 calls/s) held the core for a scheduler slice or two at a time, and each such
     * slice was added to the latency of every request in flight (measured: the event loop waited up to 4 ms for
     * the core every 100 ms, which made most of the gateway's added p99 at concurrency 16).
     */
    static final long YIELD_NANOS = 200_000;

    private record Op<T>(StateStore.TxWork<T> work, Consumer<T> afterCommit, CompletableFuture<T> done) {
    }

    private final StateStore store;
    private final long syncMillis;
    private final BlockingQueue<Op<?>> queue = new LinkedBlockingQueue<>(MAX_QUEUED);
    private final Thread thread;
    private final Histogram commitSeconds;
    private final Histogram batchSize;
    private final Counter failures;
    private volatile boolean closed;
    private long lastSync = System.nanoTime();
    private long lastYield;
    private boolean unsynced;

    /**
     * @param syncMillis how long committed writes may stay unsynced; 0 syncs after every batch
     * @param registry where {@code vitals_store_*} metrics go, or {@code null}
     */
    public GroupCommitter(StateStore store, long syncMillis, PrometheusRegistry registry) {
        this.store = store;
        this.syncMillis = syncMillis;
        PrometheusRegistry r = registry != null ? registry : new PrometheusRegistry();
        this.commitSeconds = Histogram.builder().name("vitals_store_commit_seconds")
                .help("Time to commit one group of writes to the state store.").classicOnly()
                .classicUpperBounds(0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.25, 0.5, 1, 2.5).register(r);
        this.batchSize = Histogram.builder().name("vitals_store_commit_writes")
                .help("Writes committed together in one group commit.").classicOnly()
                .classicUpperBounds(1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000).register(r);
        this.failures = Counter.builder().name("vitals_store_write_failures_total")
                .help("Writes to the state store that failed (their callers got an error, nothing was acknowledged).").register(r);
        this.thread = new Thread(this::run, "vitals-store-writer");
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Queues {@code work} for the next group commit.
     *
     * @param afterCommit run on the writer thread after the commit, in commit order, before the future completes (may be null)
     * @return completes with the work's result after the commit, or fails (the write was not stored)
     */
    public <T> CompletableFuture<T> submit(StateStore.TxWork<T> work, Consumer<T> afterCommit) {
        CompletableFuture<T> done = new CompletableFuture<>();
        if (closed) {
            done.completeExceptionally(new IllegalStateException("the state store is closed"));
        } else if (!queue.offer(new Op<>(work, afterCommit, done))) {
            failures.inc();
            done.completeExceptionally(new IllegalStateException("the state store's writer is overloaded (" + MAX_QUEUED
                    + " writes waiting)"));
        }
        return done;
    }

    /**
     * A point where a write's work may give the core away (the transaction stays open): after {@link #YIELD_NANOS}
     * of work since the last one, it yields. The writer calls it between writes; a write of many rows calls it
     * between its parts. Writer thread only.
     */
    public void yieldPoint() {
        long now = System.nanoTime();
        if (now - lastYield >= YIELD_NANOS) {
            Thread.yield();
            lastYield = System.nanoTime();
        }
    }

    /**
     * Inside a write's work: hands {@code rows} to {@code insert} in parts of the store's {@link StateStore#rowsPerPart()},
     * with a {@link #yieldPoint() yield point} after each (SQLite: 64 rows; PostgreSQL: one part, a part being a round trip).
     */
    public <R> void inParts(List<R> rows, Consumer<List<R>> insert) {
        int part = store.rowsPerPart();
        for (int i = 0; i < rows.size(); i += part) {
            insert.accept(rows.subList(i, (int) Math.min(rows.size(), (long) i + part)));
            yieldPoint();
        }
    }

    /** Queues {@code work} and waits for its commit; blocking (worker threads only). */
    public <T> T write(StateStore.TxWork<T> work, Consumer<T> afterCommit) {
        try {
            return submit(work, afterCommit).get(60, TimeUnit.SECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new IllegalStateException(e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("the state store did not commit within 60 s");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the state store");
        }
    }

    private void run() {
        List<Op<?>> batch = new ArrayList<>();
        while (!closed || !queue.isEmpty()) {
            try {
                Op<?> first = queue.poll(unsynced ? Math.max(1, syncMillis) : 200, TimeUnit.MILLISECONDS);
                if (first != null) {
                    batch.add(first);
                    queue.drainTo(batch, MAX_BATCH - 1);
                    commit(batch);
                    batch.clear();
                }
                maybeSync();
            } catch (InterruptedException e) {
                // close() interrupts only after the queue is drained
            } catch (RuntimeException | Error e) {
                LOG.log(Level.WARNING, "state store writer: " + e.getMessage(), e);
                batch.clear();
            }
        }
        if (unsynced) {
            syncQuietly();
        }
    }

    private void commit(List<Op<?>> batch) {
        long t0 = System.nanoTime();
        List<Object> results;
        try {
            results = store.transaction(tx -> {
                List<Object> out = new ArrayList<>(batch.size());
                lastYield = System.nanoTime();
                for (Op<?> op : batch) {
                    out.add(op.work().run(tx));
                    yieldPoint();
                }
                return out;
            });
        } catch (RuntimeException e) {
            if (batch.size() > 1) {
                for (Op<?> op : batch) { // one bad write fails alone
                    commit(List.of(op));
                }
            } else {
                failures.inc();
                batch.get(0).done().completeExceptionally(e);
            }
            return;
        }
        commitSeconds.observe((System.nanoTime() - t0) / 1e9);
        batchSize.observe(batch.size());
        unsynced = true;
        for (int i = 0; i < batch.size(); i++) {
            finish(batch.get(i), results.get(i));
        }
    }

    @SuppressWarnings("unchecked")
    private static <T> void finish(Op<T> op, Object result) {
        try {
            if (op.afterCommit() != null) {
                op.afterCommit().accept((T) result);
            }
            op.done().complete((T) result);
        } catch (RuntimeException e) {
            // stored, but not applied in memory: replay after a restart applies it
            LOG.log(Level.WARNING, "applying a stored write failed: " + e.getMessage(), e);
            op.done().completeExceptionally(e);
        }
    }

    private void maybeSync() {
        if (unsynced && (System.nanoTime() - lastSync) / 1_000_000 >= syncMillis) {
            syncQuietly();
        }
    }

    private void syncQuietly() {
        try {
            store.sync();
        } catch (RuntimeException e) {
            LOG.warning("state store sync failed: " + e.getMessage());
        }
        unsynced = false;
        lastSync = System.nanoTime();
    }

    /** Commits what is queued, syncs, and stops the writer; blocking. */
    @Override
    public void close() {
        closed = true;
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
