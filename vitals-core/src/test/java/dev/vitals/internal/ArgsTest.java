package dev.vitals.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ArgsTest {
    @Test
    void nullIsANullPointerExceptionNamingTheArgument() {
        assertThat(Args.notNull("x", "name")).isEqualTo("x");
        assertThatThrownBy(() -> Args.notNull(null, "clock"))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("clock must not be null");
        assertThatThrownBy(() -> Args.notEmpty(null, "model"))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("model must not be null");
        assertThatThrownBy(() -> Args.positive(null, "window"))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("window must not be null");
        assertThatThrownBy(() -> Args.nonNegative(null, "cache"))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("cache must not be null");
    }

    @Test
    void badValuesNameTheArgumentTheValueAndTheRange() {
        assertThat(Args.inRange(1, 1, 10, "buckets")).isEqualTo(1);
        assertThat(Args.inRange(10L, 1, 10, "buckets")).isEqualTo(10L);
        assertThatThrownBy(() -> Args.inRange(0, 1, 10_000, "buckets"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("buckets must be in [1, 10000], got 0");
        assertThatThrownBy(() -> Args.inRange(10_001L, 1, 10_000, "buckets"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("buckets must be in [1, 10000], got 10001");
        assertThat(Args.inRange(0.5, 0, 1, "p")).isEqualTo(0.5);
        assertThatThrownBy(() -> Args.inRange(Double.NaN, 0, 1, "p"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("p must be in [0.0, 1.0], got NaN");
        assertThatThrownBy(() -> Args.inRange(Double.POSITIVE_INFINITY, 0, 1, "p"))
                .hasMessage("p must be in [0.0, 1.0], got Infinity");
        assertThat(Args.atLeast(1, 1, "maxModels")).isEqualTo(1);
        assertThatThrownBy(() -> Args.atLeast(0, 1, "maxModels"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("maxModels must be >= 1, got 0");
        assertThatThrownBy(() -> Args.atLeast(99L, 100, "stepMillis"))
                .hasMessage("stepMillis must be >= 100, got 99");
        assertThatThrownBy(() -> Args.positive(Duration.ofSeconds(-1), "window"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("window must be a positive duration, got PT-1S");
        assertThat(Args.nonNegative(Duration.ZERO, "cache")).isEqualTo(Duration.ZERO);
        assertThatThrownBy(() -> Args.nonNegative(Duration.ofMillis(-1), "cache"))
                .hasMessage("cache must be a non-negative duration, got PT-0.001S");
        assertThat(Args.notEmpty("m", "model")).isEqualTo("m");
        assertThatThrownBy(() -> Args.notEmpty("", "model"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("model must be a non-empty string");
    }

    @Test
    void finiteBoundsRejectNaNAndInfinityAndNameTheBound() {
        assertThat(Args.finitePositive(3, "threshold")).isEqualTo(3);
        for (double bad : new double[] {0, -1, Double.NaN, Double.POSITIVE_INFINITY}) {
            assertThatThrownBy(() -> Args.finitePositive(bad, "threshold"))
                    .isExactlyInstanceOf(IllegalArgumentException.class)
                    .hasMessage("threshold must be finite and > 0, got " + bad);
        }
        assertThat(Args.finiteAtLeast(0, 0, "ratio")).isEqualTo(0);
        assertThatThrownBy(() -> Args.finiteAtLeast(0.5, 1, "halfLife"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("halfLife must be finite and >= 1, got 0.5");
        assertThatThrownBy(() -> Args.finiteAtLeast(Double.NaN, 0, "ratio"))
                .hasMessage("ratio must be finite and >= 0, got NaN");
        assertThatThrownBy(() -> Args.finiteAtLeast(Double.POSITIVE_INFINITY, 0, "ratio"))
                .hasMessage("ratio must be finite and >= 0, got Infinity");
        assertThatThrownBy(() -> Args.finiteAtLeast(0.1, 0.25, "q"))
                .hasMessage("q must be finite and >= 0.25, got 0.1");
    }

    @Test
    void durationMinimumIsWrittenInSecondsOrMilliseconds() {
        assertThat(Args.atLeast(Duration.ofSeconds(1), Duration.ofSeconds(1), "interval")).isEqualTo(Duration.ofSeconds(1));
        assertThatThrownBy(() -> Args.atLeast(null, Duration.ofSeconds(1), "interval"))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("interval must not be null");
        assertThatThrownBy(() -> Args.atLeast(Duration.ofMillis(500), Duration.ofSeconds(1), "interval"))
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("interval must be >= 1s, got PT0.5S");
        assertThatThrownBy(() -> Args.atLeast(Duration.ofMillis(10), Duration.ofMillis(100), "interval"))
                .hasMessage("interval must be >= 100ms, got PT0.01S");
    }
}
