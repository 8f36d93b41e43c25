package dev.vitals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ThrottledLoggerTest {
    private final Logger logger = Logger.getLogger("dev.vitals.internal.ThrottledLoggerTest");
    private final List<LogRecord> records = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            records.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void capture() {
        logger.setUseParentHandlers(false);
        logger.setLevel(Level.ALL);
        logger.addHandler(handler);
    }

    @AfterEach
    void release() {
        logger.removeHandler(handler);
        logger.setUseParentHandlers(true);
    }

    @Test
    void firstLineThenAtMostOnePerInterval() {
        AtomicLong clock = new AtomicLong(0); // 0 and negative origins are legal for a nano clock
        ThrottledLogger log = new ThrottledLogger(logger, Duration.ofMinutes(1), clock::get);
        RuntimeException e = new RuntimeException("boom");

        assertThat(log.warning("first", e)).isTrue();
        assertThat(log.warning("second", e)).isFalse();
        clock.addAndGet(Duration.ofSeconds(59).toNanos());
        assertThat(log.warning("within the minute", e)).isFalse();
        clock.addAndGet(Duration.ofSeconds(1).toNanos());
        assertThat(log.log(Level.SEVERE, "a minute after the first", e)).isTrue();
        assertThat(log.warning("again", e)).isFalse();

        assertThat(records).extracting(LogRecord::getMessage).containsExactly("first", "a minute after the first");
        assertThat(records.get(0).getLevel()).isEqualTo(Level.WARNING);
        assertThat(records.get(0).getThrown()).isSameAs(e);
        assertThat(records.get(1).getLevel()).isEqualTo(Level.SEVERE);
    }

    @Test
    void negativeClockOriginStillLogsTheFirstLine() {
        AtomicLong clock = new AtomicLong(Long.MIN_VALUE + 5);
        ThrottledLogger log = new ThrottledLogger(logger, Duration.ofHours(1), clock::get);
        assertThat(log.warning("first", null)).isTrue();
        assertThat(log.warning("second", null)).isFalse();
    }

    @Test
    void aLevelTheLoggerDropsDoesNotUseTheInterval() {
        logger.setLevel(Level.SEVERE);
        ThrottledLogger log = new ThrottledLogger(logger, Duration.ofMinutes(1), () -> 0);
        assertThat(log.warning("dropped", null)).isFalse();
        assertThat(log.log(Level.SEVERE, "kept", null)).isTrue();
        assertThat(records).extracting(LogRecord::getMessage).containsExactly("kept");
    }

    @Test
    void concurrentFailuresLogOneLine() throws InterruptedException {
        ThrottledLogger log = new ThrottledLogger(logger, Duration.ofMinutes(1), () -> 42);
        AtomicInteger logged = new AtomicInteger();
        CountDownLatch go = new CountDownLatch(1);
        Thread[] threads = new Thread[8];
        for (int i = 0; i < threads.length; i++) {
            threads[i] = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException ex) {
                    return;
                }
                for (int j = 0; j < 1000; j++) {
                    if (log.warning("fail", null)) {
                        logged.incrementAndGet();
                    }
                }
            });
            threads[i].start();
        }
        go.countDown();
        for (Thread t : threads) {
            t.join();
        }
        assertThat(logged).hasValue(1);
        assertThat(records).hasSize(1);
    }

    @Test
    void misuseFailsFast() {
        assertThatThrownBy(() -> new ThrottledLogger(null, Duration.ofMinutes(1)))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("logger must not be null");
        assertThatThrownBy(() -> new ThrottledLogger(logger, null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("interval must not be null");
        assertThatThrownBy(() -> new ThrottledLogger(logger, Duration.ZERO))
                .isExactlyInstanceOf(IllegalArgumentException.class)
                .hasMessage("interval must be a positive duration, got PT0S");
        assertThatThrownBy(() -> new ThrottledLogger(logger, Duration.ofSeconds(1), null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("nanoClock must not be null");
    }
}
