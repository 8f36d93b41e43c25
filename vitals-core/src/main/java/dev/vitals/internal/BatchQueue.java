package dev.vitals.internal;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.logging.Logger;

/**
 * Work handed from a request's thread to one background thread that drains it in batches on a tick. A
 * producer never waits and never wakes the consumer: with a blocking queue each offer to an idle consumer
 * wakes its thread, and on a gateway with one core that was a context switch and a preempted event loop
 * per call (measured: about one of each per request for the request log and the evaluators alike). Here
 * the consumer wakes every {@code tick}, or at once when the queue is half full, so a burst is not dropped
 * while it sleeps. An item waits at most about one tick. Not part of the public API.
 *
 * <pre>{@code
 * BatchQueue<Line> q = new BatchQueue<>("vitals-request-log", 10_000, Duration.ofMillis(10), 1_000, lines -> write(lines));
 * if (!q.offer(line)) dropped.inc();
 * }</pre>
 */
public final class BatchQueue<T> implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(BatchQueue.class.getName());
    private static final ThrottledLogger FAILED = new ThrottledLogger(LOG, Duration.ofMinutes(1));

    private final ArrayBlockingQueue<T> queue;
    private final int wakeAt;
    private final long tickNanos;
    private final int maxBatch;
    private final Consumer<List<T>> consumer;
    private final Thread thread;
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private volatile boolean closed;

    /**
     * Starts the consumer's daemon thread.
     *
     * @param capacity items queued at most; {@link #offer} refuses more
     * @param tick how long the consumer sleeps when it found nothing to do
     * @param maxBatch items handed to {@code consumer} at most at once
     * @param consumer called on the consumer's thread with each batch, in the order offered; what it throws
     *                 is logged (throttled) and the batch counted as done
     */
    public BatchQueue(String threadName, int capacity, Duration tick, int maxBatch, Consumer<List<T>> consumer) {
        this.queue = new ArrayBlockingQueue<>(Args.atLeast(capacity, 1, "capacity"));
        this.wakeAt = Math.max(1, capacity / 2);
        this.tickNanos = Args.positive(tick, "tick").toNanos();
        this.maxBatch = Args.atLeast(maxBatch, 1, "maxBatch");
        this.consumer = Args.notNull(consumer, "consumer");
        this.thread = new Thread(this::run, Args.notNull(threadName, "threadName"));
        thread.setDaemon(true);
        thread.start();
    }

    /** Queues an item; never blocks. False when the queue is full or closed (the caller counts the drop). */
    public boolean offer(T item) {
        if (closed || !queue.offer(item)) {
            return false;
        }
        accepted.incrementAndGet();
        if (queue.size() == wakeAt) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** Items queued and not yet taken by the consumer. */
    public int size() {
        return queue.size();
    }

    /**
     * Waits until every item offered before this call has been consumed (tests, shutdown).
     *
     * @return false when that took longer than {@code millis}
     */
    public boolean awaitDone(long millis) throws InterruptedException {
        long target = accepted.get();
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        LockSupport.unpark(thread);
        while (done.get() < target) {
            if (System.nanoTime() > end) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private void run() {
        List<T> batch = new ArrayList<>(Math.min(maxBatch, 1024));
        while (true) {
            boolean stopping = closed; // read before draining: what was offered before close() is consumed
            queue.drainTo(batch, maxBatch);
            if (!batch.isEmpty()) {
                try {
                    consumer.accept(batch);
                } catch (RuntimeException | Error e) {
                    FAILED.warning(thread.getName() + ": a batch of " + batch.size() + " failed", e);
                } finally {
                    done.addAndGet(batch.size());
                    batch.clear();
                }
                continue;
            }
            if (stopping) {
                return;
            }
            LockSupport.parkNanos(this, tickNanos);
        }
    }

    /** Consumes what is queued (waiting up to 10 s), then stops the thread; later offers are refused. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
