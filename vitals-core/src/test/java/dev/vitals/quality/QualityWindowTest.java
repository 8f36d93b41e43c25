package dev.vitals.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class QualityWindowTest {
    private static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a multiple of every bucket width here
    private static final QualitySpec BINARY = QualitySpec.builder().binary("legit", "fraud").build();

    private final MutableClock clock = new MutableClock(T0);

    private QualityWindow fiveMinutes() {
        return QualityWindow.builder().window(Duration.ofMinutes(5)).buckets(60).clock(clock).spec(BINARY).build();
    }

    @Test
    void dataLeavesTheWindowBucketByBucket() {
        QualityWindow w = fiveMinutes();
        w.addClassification(Prediction.of("fraud", "fraud", 0.9));
        clock.advance(Duration.ofMinutes(2));
        w.addClassification(Prediction.of("legit", "fraud", 0.7));
        w.addRegression(1, 2);
        QualityReport r = w.report();
        assertThat(r.classification().count()).isEqualTo(2);
        assertThat(r.regression().count()).isEqualTo(1);
        // 5 s buckets: the window starts 59 buckets before the current one
        assertThat(r.fromMillis()).isEqualTo(T0 + 120_000 - 295_000);
        assertThat(r.toMillis()).isEqualTo(T0 + 120_000);

        clock.set(T0 + 299_999); // still the 60th bucket counted from the first
        assertThat(w.report().classification().count()).isEqualTo(2);
        clock.set(T0 + 300_000); // the first bucket has left
        assertThat(w.report().classification().count()).isEqualTo(1);
        clock.advance(Duration.ofMinutes(3));
        QualityReport empty = w.report();
        assertThat(empty.classification().count()).isZero();
        assertThat(empty.regression().count()).isZero();
        assertThat(empty.classification().accuracy()).isNaN();
    }

    @Test
    void aReusedBucketStartsEmpty() {
        QualityWindow w = QualityWindow.builder().window(Duration.ofSeconds(10)).buckets(10).clock(clock).build();
        w.addClassification(Prediction.of("a", "a"));
        clock.advance(Duration.ofSeconds(10)); // same slot in the ring, next round
        w.addClassification(Prediction.of("b", "a"));
        ClassificationReport r = w.report().classification();
        assertThat(r.count()).isEqualTo(1);
        assertThat(r.confusion().count("b", "a")).isEqualTo(1);
        assertThat(r.confusion().count("a", "a")).isZero();
    }

    @Test
    void aClockGoingBackKeepsAddingToTheNewestBucket() {
        QualityWindow w = fiveMinutes();
        clock.advance(Duration.ofMinutes(10));
        w.addRegression(1, 1);
        clock.set(T0); // ten minutes back
        w.addRegression(2, 2);
        clock.advance(Duration.ofMinutes(10));
        assertThat(w.report().regression().count()).isEqualTo(2);
    }

    @Test
    void replicasMerge() {
        QualityWindow a = fiveMinutes();
        QualityWindow b = fiveMinutes();
        a.addClassification(Prediction.of("fraud", "fraud", 0.9));
        b.addClassification(Prediction.of("legit", "legit", 0.1));
        clock.advance(Duration.ofMinutes(1));
        b.addClassification(Prediction.of("legit", "fraud", 0.6));
        a.merge(b);
        ClassificationReport r = a.report().classification();
        assertThat(r.count()).isEqualTo(3);
        assertThat(r.rocAuc()).isEqualTo(1.0);
        assertThat(b.report().classification().count()).isEqualTo(2); // the source is unchanged
    }

    @Test
    void mergeKeepsTheNewerBucketOfAPlace() {
        QualityWindow old = fiveMinutes();
        old.addRegression(1, 1);
        clock.advance(Duration.ofMinutes(5)); // same ring position, one round later
        QualityWindow fresh = fiveMinutes();
        fresh.addRegression(5, 5);
        fresh.merge(old); // older bucket ignored
        assertThat(fresh.report().regression().count()).isEqualTo(1);
        old.merge(fresh); // newer bucket replaces the old one
        assertThat(old.report().regression().count()).isEqualTo(1);
        assertThat(old.report().regression().mae()).isZero();
    }

    @Test
    void mergeRejectsDifferentShapes() {
        QualityWindow w = fiveMinutes();
        QualityWindow hour = QualityWindow.builder().window(Duration.ofHours(1)).clock(clock).spec(BINARY).build();
        assertThatThrownBy(() -> w.merge(hour)).hasMessage(
                "cannot merge a window of PT1H in 60 buckets into one of PT5M in 60 buckets");
        QualityWindow open = QualityWindow.builder().window(Duration.ofMinutes(5)).clock(clock).build();
        assertThatThrownBy(() -> w.merge(open)).hasMessage("cannot merge quality state with a different spec: "
                + BINARY + " vs " + QualitySpec.defaults());
        assertThatThrownBy(() -> w.merge(w)).hasMessage("cannot merge a quality window into itself");
    }

    @Test
    void stateRoundTripsThroughBytes() {
        QualityWindow w = fiveMinutes();
        w.addClassification(List.of(Prediction.of("fraud", "fraud", 0.9), Prediction.of("legit", "fraud", 0.55)));
        w.addScore(Score.category("tone", ScoreSource.CODE, "formal"));
        clock.advance(Duration.ofSeconds(42));
        w.addText("the cat sat", "the cat sat down");
        w.addTokenLogProbs(new double[] {-0.1, -2.5});
        w.addRegression(new double[] {0, 3}, new double[] {1, 3}, 2);
        byte[] state = w.toBytes();
        QualityWindow back = QualityWindow.fromBytes(state, clock);
        assertThat(back.report()).isEqualTo(w.report());
        assertThat(back.toJson()).isEqualTo(w.toJson());
        assertThat(back.window()).isEqualTo(Duration.ofMinutes(5));
        assertThat(back.buckets()).isEqualTo(60);
        // the restored window keeps sliding
        clock.advance(Duration.ofMinutes(5));
        assertThat(back.report().classification().count()).isZero();
        assertThat(back.report().text().pairs()).isZero();
    }

    @Test
    void builderChecks() {
        assertThatThrownBy(() -> QualityWindow.builder().window(Duration.ofMillis(100)).buckets(60).build())
                .hasMessage("window of 100 ms must split into 60 buckets of whole milliseconds");
        assertThatThrownBy(() -> QualityWindow.builder().window(Duration.ofSeconds(7)).buckets(60).build())
                .hasMessage("window of 7000 ms must split into 60 buckets of whole milliseconds");
        assertThatThrownBy(() -> QualityWindow.builder().window(Duration.ZERO))
                .hasMessage("window must be a positive duration, got PT0S");
        assertThatThrownBy(() -> QualityWindow.builder().buckets(0)).hasMessage("buckets must be in [1, 10000], got 0");
        assertThatThrownBy(() -> QualityWindow.builder().clock(null)).hasMessage("clock must not be null");
        assertThatThrownBy(() -> QualityWindow.builder().spec(null)).hasMessage("spec must not be null");
    }

    @Test
    void concurrentAddsGiveExactTotals() throws Exception {
        QualityWindow w = fiveMinutes();
        QualityStats all = QualityStats.create(BINARY);
        int threads = 8;
        int perThread = 5_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        List<Future<?>> done = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            done.add(pool.submit(() -> {
                start.await();
                for (int i = 0; i < perThread; i++) {
                    boolean fraud = (i + id) % 4 == 0;
                    Prediction p = Prediction.of(fraud ? "fraud" : "legit", i % 2 == 0 ? "fraud" : "legit", (i % 10) / 10.0);
                    w.addClassification(p);
                    all.addClassification(p);
                    w.addRegression(i, i + 1);
                    w.addScore(Score.bool("hallucination", ScoreSource.LLM_JUDGE, fraud));
                    if (i % 1000 == 0) {
                        clock.advance(Duration.ofSeconds(1)); // buckets turn over while threads add (20 s in all)
                        w.report();
                    }
                }
                return null;
            }));
        }
        start.countDown();
        for (Future<?> f : done) {
            f.get(60, TimeUnit.SECONDS);
        }
        pool.shutdown();
        long n = (long) threads * perThread;
        QualityReport r = w.report();
        assertThat(r.classification().count()).isEqualTo(n);
        assertThat(r.regression().count()).isEqualTo(n);
        assertThat(r.regression().mae()).isEqualTo(1.0);
        assertThat(r.scores().hallucination().total()).isEqualTo(n);
        assertThat(r.scores().hallucination().count()).isEqualTo(n / 4);
        assertThat(r.classification().confusion()).isEqualTo(all.report().classification().confusion());
        assertThat(r.classification().rocAuc()).isEqualTo(all.report().classification().rocAuc());
        assertThat(r.classification().logLoss()).isCloseTo(all.report().classification().logLoss(),
                org.assertj.core.api.Assertions.within(1e-12));
    }

    @Test
    void reportSerializesToJson() throws Exception {
        QualityWindow w = fiveMinutes();
        w.addClassification(Prediction.of("fraud", "fraud", Map.of("fraud", 0.8, "legit", 0.2)));
        String json = new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(w.report());
        assertThat(json).contains("\"positiveLabel\":\"fraud\"", "\"rocAuc\":\"NaN\"", "\"accuracy\":1.0",
                "\"confusion\":{\"labels\":[\"fraud\"],\"counts\":[[1]]}", "\"hallucination\":{\"count\":0,\"total\":0");
    }
}
