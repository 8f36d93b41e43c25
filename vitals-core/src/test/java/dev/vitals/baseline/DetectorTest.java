package dev.vitals.baseline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.baseline.SeriesState.Basis;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Synthetic series, all with fixed seeds: Gaussian noise around 100 with a standard deviation of 10,
 * one sample every 5 minutes from 2026-01-01T00:00Z, volume 100 unless a test says otherwise.
 */
class DetectorTest {
    static final long T0 = 1_767_225_600_000L; // 2026-01-01T00:00:00Z, a Thursday
    static final long STEP = 300_000;          // 5 minutes

    final AtomicLong now = new AtomicLong(T0);

    Detector.Builder builder() {
        return Detector.builder().clock(now::get);
    }

    /** Advances the clock one interval and observes {@code value} for ("m", "s") with volume 100. */
    double observe(Detector d, double value) {
        return observe(d, value, 100);
    }

    double observe(Detector d, double value, long volume) {
        now.addAndGet(STEP);
        return d.observe("m", "s", value, volume);
    }

    void noise(Detector d, Random r, int n) {
        for (int i = 0; i < n; i++) {
            observe(d, 100 + 10 * r.nextGaussian());
        }
    }

    SeriesState state(Detector d) {
        return d.state("m", "s");
    }

    static List<Anomaly> all(Detector d) {
        List<Anomaly> out = new ArrayList<>(d.recentAnomalies());
        out.addAll(d.openAnomalies());
        return out;
    }

    // ---- warm-up and the exported values ---------------------------------------------------------

    @Test
    void noVerdictBeforeWarmUpThenMeanStddevAndZ() {
        Detector d = builder().build();
        Random r = new Random(1);
        for (int i = 0; i < 30; i++) {
            assertThat(observe(d, 100 + 10 * r.nextGaussian())).as("sample %d", i + 1).isNaN();
            assertThat(state(d).basis()).isEqualTo(Basis.WARM_UP);
        }
        double z = observe(d, 100 + 10 * r.nextGaussian());
        assertThat(z).isFinite();
        noise(d, r, 2000);
        SeriesState s = state(d);
        assertThat(s.basis()).isEqualTo(Basis.EWMA);
        assertThat(s.mean()).isCloseTo(100, within(3.0));
        assertThat(s.stddev()).isCloseTo(10, within(2.0));
        assertThat(s.active()).isFalse();
        assertThat(s.samples()).isEqualTo(2031);
        assertThat(d.states()).containsExactly(s);
        // z is the last sample against the baseline before it
        double v = 100 + 10 * r.nextGaussian();
        z = observe(d, v);
        assertThat(z).isEqualTo(state(d).lastZ()).isCloseTo((v - state(d).mean()) / state(d).stddev(), within(1e-12));
    }

    // ---- step ------------------------------------------------------------------------------------

    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void stepIsDetectedOnItsThirdSampleAndBecomesTheNewNormal(boolean robust) {
        Detector.Builder b = builder();
        if (robust) {
            b.robust(Detector.ROBUST_WINDOW);
        }
        Detector d = b.build();
        Random r = new Random(7);
        noise(d, r, 400);
        long stepStart = now.get() + STEP;
        for (int i = 1; i <= 3; i++) {
            double z = observe(d, 180 + 10 * r.nextGaussian()); // +8 sigma
            assertThat(z).as("z of step sample %d", i).isGreaterThan(3);
            assertThat(state(d).active()).as("active after %d step samples", i).isEqualTo(i == 3);
        }
        Anomaly open = d.openAnomalies().get(0);
        assertThat(open.open()).isTrue();
        assertThat(open.startMillis()).isEqualTo(stepStart);
        assertThat(open.samples()).isEqualTo(3);
        assertThat(open.peakZ()).isGreaterThan(5);
        // the shift is learned (clipped at 3 sigma per sample with the EWMA, by majority with the median)
        int n = 0;
        while (state(d).active()) {
            observe(d, 180 + 10 * r.nextGaussian());
            n++;
        }
        // measured: closes after 23 samples (EWMA), 126 (robust: once a third of the window is new)
        assertThat(n).isBetween(robust ? 100 : 10, robust ? 180 : 60);
        Anomaly closed = d.recentAnomalies().get(0);
        assertThat(closed.startMillis()).isEqualTo(stepStart);
        assertThat(closed.endMillis()).isEqualTo(now.get() - 2 * STEP); // the first of 3 calm samples
        assertThat(closed.samples()).isEqualTo(n); // 3 + n judged, the last 3 calm
        assertThat(closed.baselineMean()).isCloseTo(100, within(10.0));
        for (int i = 0; i < 400; i++) {
            observe(d, 180 + 10 * r.nextGaussian());
        }
        assertThat(state(d).mean()).isCloseTo(180, within(4.0));
        assertThat(d.recentAnomalies()).hasSize(1);
    }

    @Test
    void stepRightAfterWarmUpIsDetectedOnItsThirdSample() {
        Detector d = builder().build();
        Random r = new Random(7);
        noise(d, r, 30); // exactly the warm-up: the step's first sample is the first one judged
        for (int i = 1; i <= 3; i++) {
            assertThat(observe(d, 180 + 10 * r.nextGaussian())).isGreaterThan(3);
            assertThat(state(d).active()).isEqualTo(i == 3);
        }
    }

    // ---- spike -----------------------------------------------------------------------------------

    @Test
    void singleSpikeIsNotAnAnomalyWithThreeSamplesButIsWithOne() {
        for (int m : new int[] {3, 1}) {
            now.set(T0);
            Detector d = builder().openAfter(m).build();
            Random r = new Random(3);
            noise(d, r, 500);
            SeriesState before = state(d);
            long spikeAt = now.get() + STEP;
            assertThat(observe(d, 200)).isGreaterThan(8); // +10 sigma
            noise(d, r, 20);
            List<Anomaly> spikes = all(d).stream().filter(a -> a.startMillis() == spikeAt).toList();
            if (m == 3) {
                assertThat(all(d)).isEmpty();
            } else {
                assertThat(spikes).hasSize(1);
                assertThat(spikes.get(0).endMillis()).isEqualTo(spikeAt + STEP);
                assertThat(spikes.get(0).peakValue()).isEqualTo(200);
                assertThat(spikes.get(0).samples()).isEqualTo(1);
            }
            // the spike was learned clipped at 3 sigma: the stddev barely moved
            assertThat(state(d).stddev()).isCloseTo(before.stddev(), within(1.0));
        }
    }

    // ---- ramp ------------------------------------------------------------------------------------

    /**
     * A ramp is drift, not an anomaly: the EWMA follows it with a lag of slope / alpha and learns that
     * lag as variance, so z settles near 1. A slow ramp (0.05 sigma a sample, +150 sigma over 3,000
     * samples) is never flagged (final z measured 1.3); a fast one (1 sigma a sample) is flagged at
     * its onset, 3 samples in, for 69 samples, until the baseline catches up.
     */
    @Test
    void rampIsAbsorbedByTheEwmaAndFlaggedOnlyAtTheOnsetOfAFastOne() {
        Detector slow = builder().build();
        Random r = new Random(11);
        noise(slow, r, 500);
        for (int i = 0; i < 3000; i++) {
            observe(slow, 100 + 0.5 * i + 10 * r.nextGaussian());
        }
        assertThat(all(slow)).isEmpty();
        assertThat(Math.abs(state(slow).lastZ())).isLessThan(2.5);

        now.set(T0);
        Detector fast = builder().build();
        noise(fast, r, 500);
        long rampStart = now.get() + STEP;
        for (int i = 0; i < 3000; i++) {
            observe(fast, 100 + 10 * i + 10 * r.nextGaussian());
        }
        assertThat(fast.recentAnomalies()).hasSize(1);
        Anomaly onset = fast.recentAnomalies().get(0);
        assertThat(onset.startMillis()).isBetween(rampStart, rampStart + 10 * STEP);
        assertThat(onset.samples()).isBetween(20L, 200L);
        assertThat(fast.openAnomalies()).isEmpty();
        assertThat(Math.abs(state(fast).lastZ())).isLessThan(2.5);
    }

    /**
     * The median lags half its window behind a ramp, so the robust baseline flags slower ramps, for
     * longer: measured at 0.1 sigma a sample, one anomaly from 35 samples into the ramp, for 185 samples.
     */
    @Test
    void robustBaselineFlagsTheOnsetOfASlowerRamp() {
        Detector d = builder().robust(Detector.ROBUST_WINDOW).build();
        Random r = new Random(11);
        noise(d, r, 500);
        long rampStart = now.get() + STEP;
        for (int i = 0; i < 3000; i++) {
            observe(d, 100 + 1.0 * i + 10 * r.nextGaussian()); // 0.1 sigma a sample
        }
        List<Anomaly> a = all(d);
        assertThat(a).isNotEmpty();
        assertThat(a.get(0).startMillis()).isBetween(rampStart, rampStart + 300 * STEP);
        assertThat(d.openAnomalies()).isEmpty();
    }

    // ---- seasonality -----------------------------------------------------------------------------

    /** A daily sine (level 200, amplitude 50, noise 5) for 14 days, with a +30 bump for 6 samples on day 13. */
    private Detector sine(Detector d, boolean bump) {
        now.set(T0 - STEP);
        Random r = new Random(9);
        for (int i = 0; i < 288 * 14; i++) {
            double v = 200 + 50 * Math.sin(2 * Math.PI * i / 288) + 5 * r.nextGaussian();
            if (bump && i >= 288 * 12 + 216 && i < 288 * 12 + 222) {
                v += 30; // 6 noise sigmas, but within the daily range
            }
            observe(d, v);
        }
        return d;
    }

    @Test
    void dailySeasonalityRaisesNoAlarmOnASineAndCatchesABumpWithinIt() {
        Detector on = sine(builder().daily(Detector.DAILY_SLOTS).build(), false);
        assertThat(all(on)).isEmpty();
        assertThat(state(on).basis()).isEqualTo(Basis.DAILY);
        assertThat(state(on).stddev()).isCloseTo(5, within(1.5)); // the noise, not the sine

        Detector bumped = sine(builder().daily(Detector.DAILY_SLOTS).build(), true);
        assertThat(all(bumped)).hasSize(1);
        Anomaly a = bumped.recentAnomalies().get(0);
        assertThat(a.startMillis()).isEqualTo(T0 + (288 * 12 + 216) * STEP);
        assertThat(a.baselineMean()).isCloseTo(150, within(10.0)); // the sine's trough, not the daily mean
    }

    /**
     * Without seasonality the sine raises no alarm either (measured max |z| 2.7): the EWMA learns the
     * daily swing as variance (stddev ~27 instead of 5). The price is blindness: the same bump is missed.
     */
    @Test
    void withoutSeasonalityTheSineInflatesTheStddevAndHidesTheBump() {
        Detector off = sine(builder().build(), true);
        assertThat(all(off)).isEmpty();
        assertThat(state(off).basis()).isEqualTo(Basis.EWMA);
        assertThat(state(off).stddev()).isGreaterThan(20);
    }

    @Test
    void seasonalBaselinesTakeOverOnceTheirSlotsHaveHistory() {
        Detector d = builder().daily(Detector.DAILY_SLOTS).weekly(Detector.WEEKLY_SLOTS).build();
        now.set(T0 - STEP);
        Random r = new Random(4);
        List<Basis> byDay = new ArrayList<>();
        for (int day = 0; day < 28; day++) {
            for (int i = 0; i < 288; i++) {
                observe(d, 200 + 50 * Math.sin(2 * Math.PI * i / 288) + 5 * r.nextGaussian());
            }
            byDay.add(state(d).basis()); // the last sample of each day
        }
        // days 1-3: the EWMA (its slots have 0-2 values); from day 4 the same time on 3 earlier days;
        // from week 4 the same time of week on 3 earlier weeks
        assertThat(byDay.subList(0, 3)).containsOnly(Basis.EWMA);
        assertThat(byDay.subList(3, 21)).containsOnly(Basis.DAILY);
        assertThat(byDay.subList(21, 28)).containsOnly(Basis.WEEKLY);
        assertThat(all(d)).isEmpty();
    }

    @Test
    void withOneMinuteSamplesASlotStillWaitsForThreeDays() {
        Detector d = builder().daily(Detector.DAILY_SLOTS).build(); // 5-minute slots: 5 values a day each
        now.set(T0 - 60_000);
        Random r = new Random(13);
        List<Basis> byDay = new ArrayList<>();
        for (int day = 0; day < 6; day++) {
            for (int i = 0; i < 1440; i++) {
                now.addAndGet(60_000);
                d.observe("m", "s", 200 + 50 * Math.sin(2 * Math.PI * i / 1440) + 5 * r.nextGaussian(), 100);
            }
            byDay.add(state(d).basis());
        }
        assertThat(byDay).containsExactly(Basis.EWMA, Basis.EWMA, Basis.EWMA, Basis.DAILY, Basis.DAILY, Basis.DAILY);
        assertThat(all(d)).isEmpty();
        assertThat(state(d).stddev()).isCloseTo(5, within(1.5));
    }

    // ---- false alarms ----------------------------------------------------------------------------

    /**
     * 100,000 samples of Gaussian noise. With the defaults (|z| > 3 for 3 samples) measured: 0 false
     * alarms for both baselines (rate < 1e-5 a sample; with independent samples the expected rate is
     * about 0.0027^3 = 2e-8). Bound asserted: 1e-4 a sample. With openAfter(1) it is measured 3.65e-3
     * (EWMA), close to the 2.7e-3 of the normal tail plus the error of the estimated mean and stddev:
     * the reason the default asks for 3.
     */
    @ParameterizedTest
    @ValueSource(booleans = {false, true})
    void falseAlarmRateOnNoiseIsBelowOnePer10000Samples(boolean robust) {
        Detector.Builder b = builder().history(100_000);
        if (robust) {
            b.robust(Detector.ROBUST_WINDOW);
        }
        Detector d = b.build();
        noise(d, new Random(42), 100_000);
        double rate = all(d).size() / 100_000.0;
        assertThat(rate).isLessThan(1e-4);
        assertThat(rate).isZero(); // measured; the seed is fixed
    }

    @Test
    void falseAlarmRateWithOneSampleIsTheNormalTail() {
        Detector d = builder().openAfter(1).history(100_000).build();
        noise(d, new Random(42), 100_000);
        double rate = all(d).size() / 100_000.0;
        assertThat(rate).isBetween(2e-3, 6e-3); // measured 3.65e-3
    }

    // ---- minimum volume, NaN ---------------------------------------------------------------------

    @Test
    void lowVolumeSamplesAreNeitherJudgedNorLearned() {
        Detector d = builder().build(); // minVolume 10
        Random r = new Random(5);
        for (int i = 0; i < 200; i++) {
            observe(d, 0.01 + 0.002 * r.nextGaussian(), 100); // an error rate of ~1%
        }
        SeriesState before = state(d);
        for (int i = 0; i < 5; i++) {
            assertThat(observe(d, 1.0, 1)).isNaN(); // one request in the interval, and it failed
            assertThat(observe(d, 1.0, 9)).isNaN();
        }
        SeriesState after = state(d);
        assertThat(after.active()).isFalse();
        assertThat(all(d)).isEmpty();
        assertThat(after.skippedLowVolume()).isEqualTo(10);
        assertThat(after.samples()).isEqualTo(before.samples());
        assertThat(after.mean()).isEqualTo(before.mean());
        assertThat(after.lastZ()).isEqualTo(before.lastZ());
        // the same samples at volume 10 are judged
        for (int i = 0; i < 3; i++) {
            assertThat(observe(d, 1.0, 10)).isGreaterThan(3);
        }
        assertThat(state(d).active()).isTrue();
    }

    @Test
    void nanAndInfiniteSamplesAreSkippedCountedAndDoNotBreakARun() {
        Detector d = builder().build();
        Random r = new Random(6);
        noise(d, r, 100);
        SeriesState before = state(d);
        assertThat(observe(d, Double.NaN)).isNaN();
        assertThat(observe(d, Double.POSITIVE_INFINITY)).isNaN();
        assertThat(state(d).skippedNaN()).isEqualTo(2);
        assertThat(state(d).samples()).isEqualTo(before.samples());
        assertThat(state(d).mean()).isEqualTo(before.mean());
        // a run of 3 judged samples over the threshold with gaps of NaN and of low volume between them
        observe(d, 200);
        observe(d, Double.NaN);
        observe(d, 200);
        observe(d, 200, 0);
        assertThat(state(d).active()).isFalse();
        observe(d, 200);
        assertThat(state(d).active()).isTrue();
        assertThat(state(d).skippedNaN()).isEqualTo(3);
        assertThat(state(d).skippedLowVolume()).isEqualTo(1);
        assertThat(d.openAnomalies().get(0).samples()).isEqualTo(3);
    }

    // ---- robust ----------------------------------------------------------------------------------

    @Test
    void robustBaselineIgnoresABurstOfOutliers() {
        List<SeriesState> after = new ArrayList<>();
        for (boolean robust : new boolean[] {true, false}) {
            now.set(T0);
            Detector.Builder b = builder();
            if (robust) {
                b.robust(Detector.ROBUST_WINDOW);
            }
            Detector d = b.build();
            noise(d, new Random(5), 400);
            for (int i = 0; i < 30; i++) {
                observe(d, 1000); // 90 sigmas, for 30 samples
            }
            observe(d, 100);
            after.add(state(d));
        }
        SeriesState robust = after.get(0);
        SeriesState ewma = after.get(1);
        // measured: median 100.8 -> 102.2, scale 9.3 -> 10.9; the clipped EWMA: 100.6 -> 120.5, 9.6 -> 35.2
        assertThat(robust.basis()).isEqualTo(Basis.ROBUST);
        assertThat(robust.mean()).isCloseTo(100, within(3.0));
        assertThat(robust.stddev()).isCloseTo(10, within(2.0));
        assertThat(ewma.mean()).isGreaterThan(110);
        assertThat(ewma.stddev()).isGreaterThan(20);
    }

    // ---- hysteresis ------------------------------------------------------------------------------

    @Test
    void closeThresholdKeepsAnAnomalyHoveringUnderTheThresholdOpen() {
        for (boolean hysteresis : new boolean[] {false, true}) {
            now.set(T0);
            Detector.Builder b = builder();
            if (hysteresis) {
                b.closeThreshold(2);
            }
            Detector d = b.build();
            noise(d, new Random(12), 300);
            for (int i = 0; i < 3; i++) {
                observe(d, 150);
            }
            assertThat(state(d).active()).isTrue();
            for (int i = 0; i < 5; i++) {
                assertThat(observe(d, 130)).isBetween(2.0, 3.0); // measured 2.6 falling to 2.4
            }
            assertThat(state(d).active()).as("hysteresis %s", hysteresis).isEqualTo(hysteresis);
            for (int i = 0; i < 3; i++) {
                observe(d, 100);
            }
            assertThat(state(d).active()).isFalse();
            assertThat(d.recentAnomalies()).hasSize(1);
        }
    }

    // ---- keys, history ---------------------------------------------------------------------------

    @Test
    void keysPastTheCapAreDroppedAndCounted() {
        Detector d = builder().maxKeys(2).build();
        d.observe("a", "latency", 1, 100);
        d.observe("b", "latency", 1, 100);
        assertThat(d.observe("c", "latency", 1, 100)).isNaN();
        assertThat(d.observe("c", "latency", 1, 100)).isNaN();
        d.observe("a", "latency", 1, 100);
        assertThat(d.dropped()).isEqualTo(2);
        assertThat(d.state("c", "latency")).isNull();
        assertThat(d.states()).extracting(SeriesState::model).containsExactly("a", "b");
        assertThat(d.state("a", "latency").samples()).isEqualTo(2);
    }

    @Test
    void keysAreLabelValues() {
        Detector d = builder().build();
        d.observe("gpt\n4", null, 1, 100);
        assertThat(d.state("gpt_4", "unknown")).isNotNull();
        assertThat(d.state("gpt\n4", "")).isNotNull();
    }

    @Test
    void historyKeepsTheLastClosedAnomalies() {
        Detector d = builder().openAfter(1).closeAfter(1).history(2).build();
        noise(d, new Random(2), 100);
        List<Long> starts = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            starts.add(now.get() + STEP);
            observe(d, 300);
            observe(d, 100);
        }
        assertThat(d.recentAnomalies()).extracting(Anomaly::startMillis).containsExactly(starts.get(1), starts.get(2));
        assertThat(d.recentAnomalies()).allMatch(a -> !a.open() && a.samples() == 1);
    }

    @Test
    void negativeVolumeIsRejected() {
        Detector d = builder().build();
        assertThatThrownBy(() -> d.observe("m", "s", 1, -1))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("volume must be >= 0, got -1");
    }

    @Test
    void constantSeriesUsesTheScaleFloor() {
        Detector d = builder().build();
        for (int i = 0; i < 100; i++) {
            observe(d, 0.5);
        }
        assertThat(state(d).stddev()).isEqualTo(0.005); // 1% of the level
        assertThat(observe(d, 0.52)).isCloseTo(4, within(1e-9));

        Detector zero = builder().minStddev(0.001).build();
        for (int i = 0; i < 100; i++) {
            observe(zero, 0);
        }
        assertThat(observe(zero, 0.01)).isCloseTo(10, within(1e-9));
    }
}
