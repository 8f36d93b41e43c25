package dev.vitals.labels;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class SeriesLimiterTest {
    private final LabelMetrics metrics = LabelMetrics.unregistered();

    private LabelPolicy policy(int cap) {
        return LabelPolicy.builder().maxSeriesPerMetric(cap).metrics(metrics).build();
    }

    @Test
    void admitsUpToTheCapThenOverflows() {
        SeriesLimiter l = policy(2).limiter("llm");
        assertThat(l.admit("gpt-4o")).containsExactly("gpt-4o");
        assertThat(l.admit("claude-3-5-sonnet-20241022")).containsExactly("claude-3-5-sonnet-20241022");
        assertThat(l.admit("gemini-1.5-pro-002")).containsExactly("__overflow__");
        assertThat(l.admit("gpt-4o")).as("known values stay admitted").containsExactly("gpt-4o");
        assertThat(l.size()).isEqualTo(2);
        assertThat(metrics.overflow("llm").get()).isEqualTo(1.0);
        assertThat(SeriesLimiter.isOverflow(l.admit("x"))).isTrue();
        assertThat(SeriesLimiter.isOverflow(l.admit("gpt-4o"))).isFalse();
    }

    @Test
    void admitsCleanedValuesAndCountsTuplesAfterCleaning() {
        SeriesLimiter l = policy(10).limiter("tenant");
        assertThat(l.admit("bot/a@example.com", null)).containsExactly("bot/[email]", "unknown");
        assertThat(l.admit("bot/b@example.com", "")).containsExactly("bot/[email]", "unknown");
        assertThat(l.admit("bot/[email]", "unknown")).containsExactly("bot/[email]", "unknown");
        assertThat(l.size()).as("three raw tuples, one series").isEqualTo(1);
        assertThat(l.admit("a\nb")).containsExactly("a_b");
    }

    @Test
    void overflowTupleHasTheArityOfTheInput() {
        SeriesLimiter l = policy(1).limiter("m");
        l.admit("a", "b", "c");
        assertThat(l.admit("a", "b", "d")).containsExactly("__overflow__", "__overflow__", "__overflow__");
        assertThat(l.admit("a", "b", "c")).containsExactly("a", "b", "c");
        assertThat(l.admit()).containsExactly();
        assertThat(l.admit((String[]) null)).isEmpty();
    }

    @Test
    void returnedArraysAreCopies() {
        SeriesLimiter l = policy(5).limiter("m");
        String[] first = l.admit("a", "b");
        first[0] = "changed";
        assertThat(l.admit("a", "b")).containsExactly("a", "b");
    }

    @Test
    void aMillionDistinctValuesKeepTheCap() {
        int cap = 2000;
        SeriesLimiter l = policy(cap).limiter("flood");
        int admitted = 0;
        for (int i = 0; i < 1_000_000; i++) {
            // Letters, not digits: distinct values without PII scanning, so the test measures the cap.
            if (!SeriesLimiter.isOverflow(l.admit("model-" + letters(i)))) {
                admitted++;
            }
        }
        assertThat(admitted).isEqualTo(cap);
        assertThat(l.size()).isEqualTo(cap);
        assertThat(metrics.overflow("flood").get()).isEqualTo(1_000_000 - cap);
    }

    /** i in base 26, written with a-z: distinct for distinct i. */
    private static String letters(int i) {
        StringBuilder sb = new StringBuilder();
        do {
            sb.append((char) ('a' + i % 26));
            i /= 26;
        } while (i > 0);
        return sb.toString();
    }

    @Test
    void threadsRacingAtTheCapNeverExceedIt() throws Exception {
        int cap = 1000;
        int threads = 8;
        int perThread = 5000;
        SeriesLimiter l = policy(cap).limiter("race");
        Set<String> admitted = ConcurrentHashMap.newKeySet();
        AtomicInteger maxSeen = new AtomicInteger();
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<?>> futures = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                final int id = t;
                futures.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < perThread; i++) {
                        // Every thread also races on shared values, so the same new tuple meets itself.
                        String v = i % 2 == 0 ? "shared-" + i : "t" + id + "-" + i;
                        String[] r = l.admit(v);
                        if (!SeriesLimiter.isOverflow(r)) {
                            assertThat(r).containsExactly(v);
                            admitted.add(v);
                        }
                        maxSeen.accumulateAndGet(l.size(), Math::max);
                    }
                    return null;
                }));
            }
            start.countDown();
            for (Future<?> f : futures) {
                f.get(60, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(maxSeen.get()).isLessThanOrEqualTo(cap);
        assertThat(l.size()).isEqualTo(cap);
        assertThat(admitted).hasSize(cap);
    }

    @Test
    void concurrentDistinctValuesCountEveryOverflow() throws Exception {
        int cap = 500;
        int threads = 4;
        int perThread = 20_000;
        SeriesLimiter l = policy(cap).limiter("distinct");
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            final int id = t;
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < perThread; i++) {
                    l.admit("t" + id + "v" + i);
                }
            });
            th.start();
            ts.add(th);
        }
        start.countDown();
        for (Thread th : ts) {
            th.join();
        }
        assertThat(l.size()).isEqualTo(cap);
        assertThat(metrics.overflow("distinct").get()).isEqualTo(threads * perThread - cap);
    }
}
