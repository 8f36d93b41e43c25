package dev.vitals.baseline;

import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;

class DetectorBuilderTest {

    private static void rejects(ThrowingCallable call, String message) {
        assertThatThrownBy(call).isInstanceOf(IllegalArgumentException.class).hasMessage(message);
    }

    @Test
    void settersCheckTheirArgument() {
        Detector.Builder b = Detector.builder();
        rejects(() -> b.alpha(0), "alpha must be in (0, 1], got 0.0");
        rejects(() -> b.alpha(1.5), "alpha must be in (0, 1], got 1.5");
        rejects(() -> b.alpha(Double.NaN), "alpha must be in (0, 1], got NaN");
        rejects(() -> b.halfLife(0.5), "halfLife must be finite and >= 1, got 0.5");
        rejects(() -> b.halfLife(Double.POSITIVE_INFINITY), "halfLife must be finite and >= 1, got Infinity");
        rejects(() -> b.warmUp(1), "warmUp must be >= 2, got 1");
        rejects(() -> b.threshold(0), "threshold must be finite and > 0, got 0.0");
        rejects(() -> b.closeThreshold(-1), "closeThreshold must be finite and > 0, got -1.0");
        rejects(() -> b.openAfter(0), "openAfter must be >= 1, got 0");
        rejects(() -> b.closeAfter(0), "closeAfter must be >= 1, got 0");
        rejects(() -> b.minVolume(-1), "minVolume must be >= 0, got -1");
        rejects(() -> b.minStddev(0), "minStddev must be finite and > 0, got 0.0");
        rejects(() -> b.minStddevRatio(-0.1), "minStddevRatio must be finite and >= 0, got -0.1");
        rejects(() -> b.robust(1), "robust window must be in [2, 100000], got 1");
        rejects(() -> b.daily(0), "daily slots must be in [1, 86400], got 0");
        rejects(() -> b.weekly(604_801), "weekly slots must be in [1, 604800], got 604801");
        rejects(() -> b.seasonalMinHistory(0), "seasonalMinHistory must be >= 1, got 0");
        rejects(() -> b.maxKeys(0), "maxKeys must be >= 1, got 0");
        rejects(() -> b.history(-1), "history must be >= 0, got -1");
        assertThatThrownBy(() -> b.clock(null)).isExactlyInstanceOf(NullPointerException.class).hasMessage("clock must not be null");
    }

    @Test
    void buildChecksTheCombination() {
        rejects(() -> Detector.builder().threshold(3).closeThreshold(3.5).build(),
                "closeThreshold (3.5) must not exceed threshold (3.0)");
        rejects(() -> Detector.builder().closeThreshold(2).threshold(1.5).build(),
                "closeThreshold (2.0) must not exceed threshold (1.5)");
        rejects(() -> Detector.builder().robust(20).build(),
                "robust window (20) must be at least warmUp (30)");
        assertThatCode(() -> Detector.builder().robust(20).warmUp(20).closeThreshold(3).history(0).build())
                .doesNotThrowAnyException();
    }
}
