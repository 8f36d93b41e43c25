package dev.vitals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class BatchQueueTest {
    private static final Duration HOUR = Duration.ofHours(1);

    @Test
    void aProducerDoesNotWakeTheConsumerUntilTheQueueIsHalfFull() throws Exception {
        List<List<Integer>> batches = new CopyOnWriteArrayList<>();
        CountDownLatch consumed = new CountDownLatch(1);
        try (BatchQueue<Integer> q = new BatchQueue<>("test-batch-wake", 10, HOUR, 100, b -> {
            batches.add(List.copyOf(b));
            consumed.countDown();
        })) {
            Wait.until(() -> consumerParked("test-batch-wake")); // it has looked once and sleeps for its tick
            for (int i = 0; i < 4; i++) {
                assertThat(q.offer(i)).isTrue();
            }
            assertThat(consumed.await(300, TimeUnit.MILLISECONDS)).as("woken by an offer below half").isFalse();
            assertThat(q.size()).isEqualTo(4);
            assertThat(q.offer(4)).isTrue(); // the fifth of ten: half full
            assertThat(consumed.await(5, TimeUnit.SECONDS)).as("woken at half full").isTrue();
            assertThat(batches.get(0)).containsExactly(0, 1, 2, 3, 4);
        }
    }

    @Test
    void itemsAreConsumedInOrderWithinATickAndInBatchesOfAtMostMaxBatch() throws Exception {
        List<Integer> seen = Collections.synchronizedList(new ArrayList<>());
        List<Integer> sizes = new CopyOnWriteArrayList<>();
        try (BatchQueue<Integer> q = new BatchQueue<>("test-batch", 1000, Duration.ofMillis(5), 7, b -> {
            sizes.add(b.size());
            seen.addAll(b);
        })) {
            for (int i = 0; i < 100; i++) {
                assertThat(q.offer(i)).isTrue();
            }
            assertThat(q.awaitDone(5_000)).isTrue();
            assertThat(seen).hasSize(100).isSorted();
            assertThat(sizes).allMatch(n -> n <= 7);
        }
    }

    @Test
    void aFullQueueRefusesAndAFailingBatchDoesNotStopTheConsumer() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        CountDownLatch release = new CountDownLatch(1);
        try (BatchQueue<Integer> q = new BatchQueue<>("test-batch", 4, Duration.ofMillis(5), 100, b -> {
            if (b.contains(-1)) {
                throw new IllegalStateException("boom");
            }
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            seen.addAll(b);
        })) {
            assertThat(q.offer(-1)).isTrue();
            assertThat(q.awaitDone(5_000)).isTrue(); // the failed batch counts as done
            assertThat(q.offer(1)).isTrue();
            Wait.until(() -> q.size() == 0); // taken; the consumer now waits on release
            for (int i = 0; i < 4; i++) {
                assertThat(q.offer(10 + i)).isTrue();
            }
            assertThat(q.offer(99)).as("full").isFalse();
            release.countDown();
            assertThat(q.awaitDone(5_000)).isTrue();
            assertThat(seen).containsExactly(1, 10, 11, 12, 13);
        }
    }

    @Test
    void closeConsumesWhatIsQueuedThenRefuses() {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        BatchQueue<Integer> q = new BatchQueue<>("test-batch", 100, HOUR, 100, seen::addAll);
        for (int i = 0; i < 3; i++) {
            q.offer(i);
        }
        q.close();
        assertThat(seen).containsExactly(0, 1, 2);
        assertThat(q.offer(3)).isFalse();
    }

    @Test
    void discardAndCloseStopsWithoutConsumingAndCountsWhatItDropped() throws Exception {
        List<Integer> seen = new CopyOnWriteArrayList<>();
        BatchQueue<Integer> q = new BatchQueue<>("test-batch-discard", 100, HOUR, 100, seen::addAll);
        Wait.until(() -> consumerParked("test-batch-discard"));
        for (int i = 0; i < 3; i++) {
            assertThat(q.offer(i)).isTrue();
        }
        assertThat(q.discardAndClose()).isEqualTo(3);
        assertThat(seen).isEmpty();
        assertThat(q.offer(3)).isFalse();
        assertThat(q.awaitDone(1_000)).as("discarded items count as done").isTrue();
    }

    @Test
    void offersRacingCloseAreEitherConsumedOrRefusedNeverLost() throws Exception {
        for (int round = 0; round < 50; round++) {
            List<Integer> seen = new CopyOnWriteArrayList<>();
            BatchQueue<Integer> q = new BatchQueue<>("test-batch-race", 100_000, Duration.ofMillis(1), 1000, seen::addAll);
            java.util.concurrent.atomic.AtomicInteger accepted = new java.util.concurrent.atomic.AtomicInteger();
            Thread producer = new Thread(() -> {
                for (int i = 0; i < 20_000; i++) {
                    if (q.offer(i)) {
                        accepted.incrementAndGet();
                    }
                }
            });
            producer.start();
            q.close();
            producer.join();
            assertThat(seen).as("round " + round).hasSize(accepted.get());
        }
    }

    private static boolean consumerParked(String name) {
        return Thread.getAllStackTraces().keySet().stream()
                .anyMatch(t -> t.getName().equals(name) && t.getState() == Thread.State.TIMED_WAITING);
    }

    @Test
    void badArgumentsFailWithTheirName() {
        assertThatThrownBy(() -> new BatchQueue<Integer>("x", 0, HOUR, 1, b -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("capacity");
        assertThatThrownBy(() -> new BatchQueue<Integer>("x", 1, Duration.ZERO, 1, b -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("tick");
        assertThatThrownBy(() -> new BatchQueue<Integer>("x", 1, HOUR, 0, b -> { }))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("maxBatch");
    }

    /** Polls a condition for up to 5 s. */
    private static final class Wait {
        static void until(java.util.function.BooleanSupplier c) throws InterruptedException {
            long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (!c.getAsBoolean()) {
                assertThat(System.nanoTime()).as("condition within 5 s").isLessThan(end);
                Thread.sleep(1);
            }
        }
    }
}
