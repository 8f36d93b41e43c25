package dev.vitals.server.anomaly;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.baseline.Anomaly;
import dev.vitals.baseline.Detector;
import dev.vitals.series.Signal;
import dev.vitals.server.config.VitalsConfig;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The server's baselines (configured as {@link Baselines#detectorBuilder} does, on defaults) replayed
 * over a synthetic day of 10-second intervals with an injectable clock and a seeded RNG: diurnal
 * traffic around 100 requests an interval with Poisson noise, an error-free first hour and then 0.1%
 * steady errors, log-normal latencies and per-request costs. A normal day raises no anomaly; an error
 * burst of 5%, a 3x latency step and a cost jump are each caught within 3 intervals.
 */
class BaselineSyntheticDayTest {
    static final String MODEL = "m";
    static final long INTERVAL_MS = 10_000;
    static final int DAY = 8_640;
    static final int ERROR_FREE = 360;

    /** What to inject from interval {@code from} on. */
    record Fault(int from, double errorRatio, double latencyFactor, double costFactor) {
        static final Fault NONE = new Fault(Integer.MAX_VALUE, 0, 1, 1);
    }

    /** Replays {@code intervals} intervals; returns the interval at which each signal's first anomaly opened (or -1). */
    static final class Replay {
        final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
        final Detector detector = Baselines.detectorBuilder(new VitalsConfig().anomalies).clock(clock::get).build();
        final List<String> opened = new ArrayList<>();
        final int[] openedAt = new int[Signal.values().length];
        final SplittableRandom rnd;

        Replay(long seed) {
            rnd = new SplittableRandom(seed);
            Arrays.fill(openedAt, -1);
        }

        void run(int intervals, Fault f) {
            for (int t = 0; t < intervals; t++) {
                clock.addAndGet(INTERVAL_MS);
                boolean faulty = t >= f.from();
                double mean = 100 * (1 + 0.3 * Math.sin(2 * Math.PI * t / DAY));
                int n = poisson(mean);
                double errorP = faulty ? f.errorRatio() : t < ERROR_FREE ? 0 : 0.001;
                int errors = 0;
                double[] latency = new double[n];
                double[] ttft = new double[n];
                double tokens = 0;
                double cost = 0;
                for (int i = 0; i < n; i++) {
                    if (rnd.nextDouble() < errorP) {
                        errors++;
                    }
                    double lat = Math.exp(Math.log(0.8) + 0.35 * gaussian()) * (faulty ? f.latencyFactor() : 1);
                    latency[i] = lat;
                    ttft[i] = lat * 0.2;
                    int tok = poisson(150);
                    tokens += tok;
                    cost += tok * 0.6e-6 * (faulty ? f.costFactor() : 1);
                }
                Arrays.sort(latency);
                Arrays.sort(ttft);
                observe(t, Signal.REQUEST_RATE, n / 10.0, Long.MAX_VALUE);
                if (n > 0) {
                    observe(t, Signal.ERROR_RATIO, (double) errors / n, n);
                    observe(t, Signal.LATENCY_P50, quantile(latency, 0.5), n);
                    observe(t, Signal.LATENCY_P95, quantile(latency, 0.95), n);
                    observe(t, Signal.TTFT_P95, quantile(ttft, 0.95), n);
                    observe(t, Signal.TOKENS_PER_REQUEST, tokens / n, n);
                    observe(t, Signal.COST_PER_QUERY, cost / n, n);
                }
            }
        }

        private void observe(int t, Signal s, double v, long volume) {
            detector.observe(MODEL, s.key(), v, volume);
            if (openedAt[s.ordinal()] < 0 && detector.state(MODEL, s.key()).active()) {
                openedAt[s.ordinal()] = t;
                opened.add(s.key() + "@" + t + " z=" + detector.state(MODEL, s.key()).lastZ());
            }
        }

        /** Knuth's exact method (e^-mean stays a normal double up to mean 700). */
        private int poisson(double mean) {
            double l = Math.exp(-mean);
            int k = 0;
            double p = 1;
            do {
                k++;
                p *= rnd.nextDouble();
            } while (p > l);
            return k - 1;
        }

        private double gaussian() {
            double u = 1 - rnd.nextDouble();
            double v = rnd.nextDouble();
            return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
        }

        static double quantile(double[] sorted, double q) {
            return sorted[(int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)];
        }
    }

    @Test
    void aNormalDayRaisesNoAnomaly() {
        Replay r = new Replay(20261207L);
        r.run(DAY, Fault.NONE);
        assertThat(r.opened).as("anomalies opened on a normal day").isEmpty();
        assertThat(r.detector.recentAnomalies()).isEmpty();
        // the error ratio learned the steady 0.1% instead of locking at zero
        assertThat(r.detector.state(MODEL, Signal.ERROR_RATIO.key()).mean()).isBetween(0.0003, 0.003);
    }

    @Test
    void anErrorBurstOfFivePercentIsCaughtWithinThreeIntervals() {
        assertCaught(new Fault(DAY, 0.05, 1, 1), Signal.ERROR_RATIO);
    }

    @Test
    void aThreefoldLatencyStepIsCaughtWithinThreeIntervals() {
        assertCaught(new Fault(DAY, 0.001, 3, 1), Signal.LATENCY_P95);
    }

    @Test
    void aCostJumpIsCaughtWithinThreeIntervals() {
        assertCaught(new Fault(DAY, 0.001, 1, 2), Signal.COST_PER_QUERY);
    }

    /** A normal day, then the fault: its signal opens an anomaly by the fault's third interval, and nothing opened before. */
    static void assertCaught(Fault f, Signal s) {
        Replay r = new Replay(20261207L);
        r.run(DAY + 10, f);
        assertThat(r.opened).as("anomalies").isNotEmpty();
        for (int t : r.openedAt) {
            assertThat(t == -1 || t >= DAY).as("nothing opened before the fault: %s", r.opened).isTrue();
        }
        assertThat(r.openedAt[s.ordinal()]).as("%s opened at; all: %s", s.key(), r.opened).isBetween(DAY, DAY + 2);
        List<Anomaly> open = r.detector.openAnomalies();
        assertThat(open).anySatisfy(a -> assertThat(a.signal()).isEqualTo(s.key()));
    }
}
