package dev.vitals.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;

class SnapshotTest {
    static final long T0 = DetectorTest.T0;
    static final long STEP = DetectorTest.STEP;
    static final ObjectMapper JSON = new ObjectMapper();

    final AtomicLong now = new AtomicLong(T0);

    Detector.Builder full() {
        return Detector.builder().clock(now::get).robust(120).daily(48).weekly(336).seasonalMinHistory(2);
    }

    /**
     * Two daily sines over 16 days of 30-minute samples, so that both the daily and the weekly slots
     * judge at some point, with a bump in "a" (samples 300-305) and one in "b" (420-439).
     */
    static double value(Random r, String model, int i) {
        double v = 200 + 40 * Math.sin(2 * Math.PI * i / 48) + 5 * r.nextGaussian();
        if (model.equals("a") && i >= 300 && i < 306 || model.equals("b") && i >= 420 && i < 440) {
            v += 100;
        }
        return v;
    }

    List<Double> run(Detector d, Random r, int from, int to) {
        List<Double> zs = new ArrayList<>();
        for (int i = from; i < to; i++) {
            now.set(T0 + i * 1_800_000L);
            for (String model : new String[] {"a", "b"}) {
                double v = i % 97 == 0 ? Double.NaN : value(r, model, i);
                zs.add(d.observe(model, "latency_p95", v, i % 89 == 0 ? 3 : 100));
            }
        }
        return zs;
    }

    @Test
    void restoreThenContinueEqualsContinuingWithoutRestart() {
        Detector original = full().build();
        Random r = new Random(21);
        run(original, r, 0, 425); // snapshot while "b" has an anomaly open
        assertThat(original.openAnomalies()).extracting(Anomaly::model).containsExactly("b");
        byte[] snap = original.snapshot();

        Detector restarted = full().build();
        restarted.restore(snap);
        assertThat(restarted.snapshot()).isEqualTo(snap);
        assertThat(restarted.states()).isEqualTo(original.states());
        assertThat(restarted.openAnomalies()).isEqualTo(original.openAnomalies());

        long seed = 22;
        List<Double> expected = run(original, new Random(seed), 425, 16 * 48);
        List<Double> actual = run(restarted, new Random(seed), 425, 16 * 48);
        assertThat(actual).isEqualTo(expected); // bit for bit, NaNs included
        assertThat(restarted.states()).isEqualTo(original.states());
        assertThat(restarted.states()).extracting(SeriesState::basis).containsOnly(SeriesState.Basis.WEEKLY);
        assertThat(restarted.recentAnomalies()).isEqualTo(original.recentAnomalies()).hasSize(2);
        assertThat(restarted.snapshot()).isEqualTo(original.snapshot());
    }

    @Test
    void snapshotIsVersionedJson() throws Exception {
        Detector d = Detector.builder().clock(now::get).build();
        d.observe("m", "s", 1, 100);
        JsonNode root = JSON.readTree(d.snapshot());
        assertThat(root.get("format").asText()).isEqualTo("vitals-baseline");
        assertThat(root.get("version").asInt()).isEqualTo(1);
        assertThat(root.get("series").get(0).get("last").get("z").isNull()).isTrue(); // NaN while warming up
    }

    @Test
    void snapshotsRestoreIntoADetectorWithOtherThresholds() {
        Detector d = Detector.builder().clock(now::get).build();
        run(d, new Random(1), 0, 50);
        Detector other = Detector.builder().clock(now::get).threshold(4).openAfter(1).halfLife(10).build();
        other.restore(d.snapshot());
        assertThat(other.states()).isEqualTo(d.states());
    }

    // ---- garbage ---------------------------------------------------------------------------------

    private Detector seeded() {
        Detector d = full().build();
        run(d, new Random(3), 0, 480);
        return d;
    }

    private void assertRejected(Detector d, byte[] bad, String message) {
        byte[] before = d.snapshot();
        assertThatThrownBy(() -> d.restore(bad))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(message);
        assertThat(d.snapshot()).isEqualTo(before);
    }

    private byte[] edit(byte[] snap, Consumer<ObjectNode> change) throws Exception {
        ObjectNode root = (ObjectNode) JSON.readTree(snap);
        change.accept(root);
        return JSON.writeValueAsBytes(root);
    }

    @Test
    void garbageIsRejectedWithAnExactMessageAndTheStateIsUntouched() throws Exception {
        Detector d = seeded();
        byte[] good = d.snapshot();
        assertRejected(d, new byte[0], "baseline snapshot: empty");
        assertRejected(d, null, "baseline snapshot: empty");
        assertRejected(d, "garbage".getBytes(StandardCharsets.UTF_8), "baseline snapshot: not valid JSON");
        assertRejected(d, new byte[] {(byte) 0xff, 0x00, 0x13}, "baseline snapshot: not valid JSON");
        assertRejected(d, java.util.Arrays.copyOf(good, good.length / 2), "baseline snapshot: not valid JSON");
        assertRejected(d, (new String(good, StandardCharsets.UTF_8) + "{}").getBytes(StandardCharsets.UTF_8),
                "baseline snapshot: not valid JSON");
        assertRejected(d, "[1,2]".getBytes(StandardCharsets.UTF_8),
                "baseline snapshot: not a Vitals baseline snapshot (no \"format\": \"vitals-baseline\")");
        assertRejected(d, "{\"format\":\"prometheus\"}".getBytes(StandardCharsets.UTF_8),
                "baseline snapshot: not a Vitals baseline snapshot (no \"format\": \"vitals-baseline\")");
        assertRejected(d, edit(good, root -> root.put("version", 2)),
                "baseline snapshot: unsupported version 2, this build reads version 1");
        assertRejected(d, edit(good, root -> root.remove("version")),
                "baseline snapshot: unsupported version null, this build reads version 1");
        assertRejected(d, edit(good, root -> root.remove("series")),
                "baseline snapshot: series must be an array");
        assertRejected(d, edit(good, root -> series(root, 1).put("samples", -1)),
                "baseline snapshot: series[1].samples must be an integer >= 0");
        assertRejected(d, edit(good, root -> series(root, 0).put("ewma", "x")),
                "baseline snapshot: series[0].ewma must be [count >= 0, mean, variance >= 0]");
        assertRejected(d, edit(good, root -> ((ObjectNode) series(root, 0).get("daily")).putArray("slotMean").add(1)),
                "baseline snapshot: series[0].daily must have 48 values in each of slotMean, slotPeriods and lastPeriod");
        assertRejected(d, edit(good, root -> series(root, 1).withArray("window").set(5, JSON.getNodeFactory().textNode("x"))),
                "baseline snapshot: series[1].window[5] must be a finite number");
        assertRejected(d, edit(good, root -> ((ObjectNode) series(root, 1).get("run")).put("active", "yes")),
                "baseline snapshot: series[1].run.active must be true or false");
        assertRejected(d, edit(good, root -> ((ObjectNode) series(root, 0).get("last")).put("basis", "HOURLY")),
                "baseline snapshot: series[0].last.basis must be one of WARM_UP, EWMA, ROBUST, DAILY, WEEKLY");
        assertRejected(d, edit(good, root -> series(root, 1).put("model", "a")),
                "baseline snapshot: series[1] repeats model \"a\" signal \"latency_p95\"");
        assertRejected(d, edit(good, root -> series(root, 0).put("model", "")),
                "baseline snapshot: series[0].model must be a label value");
        // the last item checked: an error after everything else was read still changes nothing
        assertRejected(d, edit(good, root -> root.withArray("recent").addObject()),
                "baseline snapshot: recent[2].endMillis must be an integer");
    }

    private static ObjectNode series(ObjectNode root, int i) {
        return (ObjectNode) root.get("series").get(i);
    }

    @Test
    void snapshotOfAnotherShapeIsRejected() {
        Detector d = seeded();
        byte[] snap = d.snapshot();
        assertRejected(full().daily(24).build(), snap,
                "baseline snapshot: taken with daily slots 48, this detector has 24");
        assertRejected(Detector.builder().robust(120).weekly(336).build(), snap,
                "baseline snapshot: taken with daily slots 48, this detector has 0");
        assertRejected(Detector.builder().daily(48).weekly(336).build(), snap,
                "baseline snapshot: taken with robust window 120, this detector has 0");
        assertRejected(full().weekly(2016).build(), snap,
                "baseline snapshot: taken with weekly slots 336, this detector has 2016");
        assertRejected(full().maxKeys(1).build(), snap,
                "baseline snapshot: 2 series exceed maxKeys 1");
    }

    @Test
    void aSmallerHistoryKeepsTheNewestAnomalies() {
        Detector d = seeded();
        assertThat(d.recentAnomalies()).hasSize(2);
        Detector small = full().history(1).build();
        small.restore(d.snapshot());
        assertThat(small.recentAnomalies()).containsExactly(d.recentAnomalies().get(1));
    }
}
