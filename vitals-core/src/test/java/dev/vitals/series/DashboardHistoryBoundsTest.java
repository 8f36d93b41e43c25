package dev.vitals.series;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.llm.ErrorType;
import dev.vitals.llm.LlmCall;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** The dashboard's short history stays bounded however long the server runs and however many models call. */
class DashboardHistoryBoundsTest {
    private static final int CAPACITY = 60;
    private static final int MAX_MODELS = 3;
    private static final long STEP = 10_000;

    private final AtomicLong now = new AtomicLong(1_700_000_000_000L);

    private static LlmCall call(String model, int i) {
        LlmCall.Builder b = LlmCall.builder(model).tokens(10, 20).durationSeconds(0.05 + (i % 7) * 0.1).costUsd(0.001);
        return (i % 5 == 0 ? b.failure(ErrorType.TIMEOUT) : b.success()).build();
    }

    @Test
    void threeTimesTheCapacityOfIntervalsKeepsPointsAndSlotsBounded() {
        CallSampler s = CallSampler.builder().stepMillis(STEP).capacity(CAPACITY).maxModels(MAX_MODELS).clock(now::get).build();
        long perSeries = (long) (CallSampler.SIGNALS + 1) * CAPACITY;
        assertThat(s.slots()).isEqualTo(perSeries); // the all-models series only
        long start = now.get();
        for (int iv = 0; iv < 3 * CAPACITY; iv++) {
            // five models call; only the first three get their own series
            for (int i = 0; i < 20; i++) {
                s.onCall(call("model-" + (i % 5), i));
            }
            now.addAndGet(STEP);
            s.tick();
            long bound = (long) (MAX_MODELS + 1) * perSeries;
            assertThat(s.slots()).isLessThanOrEqualTo(bound);
            for (String m : new String[] {CallSampler.ALL, "model-0"}) {
                SeriesSnapshot snap = s.query(m, start - 1_000_000_000L, now.get(), 100_000);
                assertThat(snap.timestamps().length).isLessThanOrEqualTo(CAPACITY);
                assertThat(snap.volume().length).isEqualTo(snap.timestamps().length);
                for (double[] v : snap.values().values()) {
                    assertThat(v.length).isEqualTo(snap.timestamps().length);
                }
            }
        }
        // after the rings wrapped three times: exactly (models + all) series of fixed rings, and the
        // history is the last CAPACITY intervals, contiguous and ending at the last closed one
        assertThat(s.models()).containsExactly("model-0", "model-1", "model-2");
        assertThat(s.slots()).isEqualTo((MAX_MODELS + 1) * perSeries);
        SeriesSnapshot all = s.query(CallSampler.ALL, 0, now.get(), 100_000);
        assertThat(all.timestamps()).hasSize(CAPACITY);
        for (int i = 1; i < CAPACITY; i++) {
            assertThat(all.timestamps()[i] - all.timestamps()[i - 1]).isEqualTo(STEP);
        }
        assertThat(all.timestamps()[CAPACITY - 1]).isEqualTo((now.get() / STEP - 1) * STEP);
        assertThat(all.volume()).containsOnly(20L);
        for (double v : all.values().get(Signal.ERROR_RATIO)) {
            assertThat(v).isCloseTo(0.2, within(1e-6)); // stored as float
        }
        // downsampled queries never exceed the requested points either
        assertThat(s.query(CallSampler.ALL, 0, now.get(), 7).timestamps().length).isLessThanOrEqualTo(7);
    }
}
