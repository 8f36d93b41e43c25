package dev.vitals.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.llm.ErrorType;
import dev.vitals.llm.LlmCall;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CallSamplerTest {
    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);

    private CallSampler sampler(int capacity) {
        return CallSampler.builder().stepMillis(10_000).capacity(capacity).maxModels(3).clock(now::get).build();
    }

    private static LlmCall call(String model, boolean ok, double seconds, long in, long out, double cost) {
        LlmCall.Builder b = LlmCall.builder(model).tokens(in, out).durationSeconds(seconds).costUsd(cost);
        return (ok ? b.success() : b.failure(ErrorType.TIMEOUT)).build();
    }

    @Test
    void oneIntervalBecomesOnePointPerSignal() {
        CallSampler s = sampler(100);
        long start = now.get();
        for (int i = 0; i < 90; i++) {
            s.onCall(call("m", true, 0.1, 10, 20, 0.001));
        }
        for (int i = 0; i < 10; i++) {
            s.onCall(call("m", false, 2.0, 10, 0, 0.0005));
        }
        now.addAndGet(10_000);
        s.tick();
        SeriesSnapshot snap = s.query("m", start - 10_000, now.get(), 100);
        int last = snap.timestamps().length - 1;
        assertThat(snap.volume()[last]).isEqualTo(100);
        assertThat(snap.values().get(Signal.REQUEST_RATE)[last]).isCloseTo(10.0, within(1e-9));
        assertThat(snap.values().get(Signal.ERROR_RATIO)[last]).isCloseTo(0.1, within(1e-6));
        assertThat(snap.values().get(Signal.INPUT_TOKENS_RATE)[last]).isCloseTo(100.0, within(1e-6));
        assertThat(snap.values().get(Signal.OUTPUT_TOKENS_RATE)[last]).isCloseTo(180.0, within(1e-6));
        assertThat(snap.values().get(Signal.TOKENS_PER_REQUEST)[last]).isCloseTo(28.0, within(1e-6));
        assertThat(snap.values().get(Signal.COST_PER_QUERY)[last]).isCloseTo(0.00095, within(1e-7));
        assertThat(snap.values().get(Signal.COST_PER_HOUR)[last]).isCloseTo(0.095 / 10 * 3600, within(1e-4));
        // quantiles within the histogram's 12.5% relative bound
        assertThat(snap.values().get(Signal.LATENCY_P50)[last]).isCloseTo(0.1, within(0.0125));
        assertThat(snap.values().get(Signal.LATENCY_P99)[last]).isCloseTo(2.0, within(0.25));
        assertThat(snap.values().get(Signal.TTFT_P95)[last]).isNaN();
        assertThat(s.query(CallSampler.ALL, start, now.get(), 10).volume()).contains(100L);
    }

    @Test
    void quietIntervalsAreZeroTrafficAndOldOnesAreOverwritten() {
        CallSampler s = sampler(10);
        long start = now.get();
        s.onCall(call("m", true, 0.1, 1, 1, 0.0));
        for (int i = 0; i < 25; i++) {
            now.addAndGet(10_000);
            s.tick();
        }
        SeriesSnapshot snap = s.query("m", start - 1_000_000, now.get(), 1000);
        assertThat(snap.timestamps()).hasSize(10); // bounded by the capacity
        assertThat(snap.volume()).containsOnly(0L);
        assertThat(snap.values().get(Signal.REQUEST_RATE)).containsOnly(0.0);
        assertThat(snap.values().get(Signal.ERROR_RATIO)).containsOnly(Double.NaN);
    }

    @Test
    void downsamplingWeighsByVolumeAndKeepsQuantileMaxima() {
        CallSampler s = sampler(100);
        long start = now.get();
        for (int k = 0; k < 4; k++) {
            int n = k == 0 ? 30 : 10;
            for (int i = 0; i < n; i++) {
                s.onCall(call("m", k != 0, k == 3 ? 5.0 : 0.1, 1, 1, 0.0));
            }
            now.addAndGet(10_000);
            s.tick();
        }
        SeriesSnapshot snap = s.query("m", start, now.get() - 1, 1);
        assertThat(snap.timestamps()).hasSize(1);
        assertThat(snap.stepMillis()).isEqualTo(40_000);
        assertThat(snap.volume()[0]).isEqualTo(60);
        assertThat(snap.values().get(Signal.ERROR_RATIO)[0]).isCloseTo(0.5, within(1e-9)); // 30 of 60 failed
        assertThat(snap.values().get(Signal.REQUEST_RATE)[0]).isCloseTo(1.5, within(1e-9)); // mean of 3,1,1,1
        assertThat(snap.values().get(Signal.LATENCY_P99)[0]).isCloseTo(5.0, within(0.7));
    }

    @Test
    void modelsBeyondTheCapCountOnlyInTheTotal() {
        CallSampler s = sampler(10);
        for (int i = 0; i < 10; i++) {
            s.onCall(call("model-" + i, true, 0.1, 1, 1, 0.0));
        }
        now.addAndGet(10_000);
        s.tick();
        assertThat(s.models()).hasSize(3);
        assertThat(s.query(CallSampler.ALL, 0, now.get(), 10).volume()).contains(10L);
        assertThat(s.query("model-9", 0, now.get(), 10)).isNull();
    }
}
