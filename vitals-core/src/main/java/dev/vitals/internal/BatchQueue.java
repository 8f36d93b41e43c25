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
 * Work handed from a request's thread to one background thread that drains it in batches on a tick. An offer
 * does not wake the consumer: with a blocking queue each offer to an idle consumer wakes its thread, and on a
 * gateway with one core that was a context switch and a preempted event loop per call (measured: about one of
 * each per request for the request log and the evaluators alike). Here the consumer looks every {@code tick}
 * (ten times less often after a second with nothing to do), and an offer wakes it only when the queue is half
 * full, so a burst is not dropped while it sleeps. An item waits about one tick when the consumer keeps up.
 * An offer never blocks on the consumer's work; it takes the queue's lock, which a drain holds while it moves
 * up to {@code maxBatch} items. Not part of the public API.
 *
 * <pre>{@code
 * BatchQueue<Line> q = new BatchQueue<>("vitals-request-log", 10_000, Duration.ofMillis(10), 1_000, lines -> write(lines));
 * if (!q.offer(line)) dropped.inc();
 * }</pre>
 */
public final class BatchQueue<T> implements AutoCloseable {
    /** The tick of Vitals' queues: how long an item waits at most while the consumer keeps up. */
    public static final Duration TICK = Duration.ofMillis(10);
    private static final Logger LOG = Logger.getLogger(BatchQueue.class.getName());
    /** Empty looks after which the consumer looks ten times less often. */
    private static final int IDLE_LOOKS = 100;

    private final ArrayBlockingQueue<T> queue;
    private final int wakeAt;
    private final long tickNanos;
    private final int maxBatch;
    private final Consumer<List<T>> consumer;
    private final Thread thread;
    private final ThrottledLogger failed = new ThrottledLogger(LOG, Duration.ofMinutes(1));
    private final AtomicLong accepted = new AtomicLong();
    private final AtomicLong done = new AtomicLong();
    private volatile boolean closed;
    private volatile boolean discard;

    /**
     * Starts the consumer's daemon thread.
     *
     * @param capacity items queued at most; {@link #offer} refuses more
     * @param tick how long the consumer sleeps when it found nothing to do
     * @param maxBatch items handed to {@code consumer} at most at once; the thread yields the CPU between batches
     * @param consumer called on the consumer's thread with each batch, in the order offered (the list is reused:
     *                 not to be kept); it should handle each item's failure itself: what it throws is logged
     *                 (throttled, the exception's class only) and the whole batch counted as done
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

    /** Queues an item; never waits for the consumer. False when the queue is full or closed (the caller counts the drop). */
    public boolean offer(T item) {
        if (closed || !queue.offer(item)) {
            return false;
        }
        // closed meanwhile: the consumer may have made its last drain already; an item still queued is taken back
        if (closed && queue.remove(item)) {
            return false;
        }
        accepted.incrementAndGet();
        if (queue.size() >= wakeAt) {
            LockSupport.unpark(thread);
        }
        return true;
    }

    /** Items queued and not yet taken by the consumer. */
    public int size() {
        return queue.size();
    }

    /**
     * Waits until every item offered before this call has been consumed or discarded (tests, shutdown).
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
        int idle = 0;
        while (true) {
            boolean stopping = closed; // read before draining: what was offered before close() is consumed
            if (stopping && discard) {
                return;
            }
            queue.drainTo(batch, maxBatch);
            if (!batch.isEmpty()) {
                idle = 0;
                try {
                    consumer.accept(batch);
                } catch (RuntimeException | Error e) {
                    // the class only: a message might quote what the items carry
                    failed.warning(thread.getName() + ": a batch of " + batch.size() + " failed: " + e.getClass().getName(), null);
                } finally {
                    done.addAndGet(batch.size());
                    batch.clear();
                }
                // between batches the CPU goes to whoever waits for it: on a one-core gateway a tick's work done in one
                // run held up the event loop (its p99 at concurrency 1 grew by the length of that run)
                Thread.yield();
                continue;
            }
            if (stopping) {
                return;
            }
            Thread.interrupted(); // a stray interrupt would make every park return at once
            LockSupport.parkNanos(this, ++idle > IDLE_LOOKS ? tickNanos * 10 : tickNanos);
        }
    }

    /** Consumes what is queued (waiting up to 10 s), then stops the thread; later offers are refused. */
    @Override
    public void close() {
        stop(false);
    }

    /**
     * Stops the thread without consuming what is queued (after the batch it is on, if any); later offers are refused.
     *
     * @return the items discarded
     */
    public int discardAndClose() {
        stop(true);
        List<T> left = new ArrayList<>();
        queue.drainTo(left);
        done.addAndGet(left.size());
        return left.size();
    }

    private void stop(boolean discardQueued) {
        discard = discardQueued;
        closed = true;
        LockSupport.unpark(thread);
        try {
            thread.join(TimeUnit.SECONDS.toMillis(10));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
