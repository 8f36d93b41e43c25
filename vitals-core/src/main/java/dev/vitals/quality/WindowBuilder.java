package dev.vitals.quality;

import dev.vitals.internal.Args;
import java.time.Clock;
import java.util.Objects;

/** The settings {@link QualityWindow.Builder} and {@link QualityTracker.Builder} share. */
abstract class WindowBuilder<B extends WindowBuilder<B>> {
    int buckets = 60;
    Clock clock = Clock.systemUTC();
    QualitySpec spec = QualitySpec.defaults();

    WindowBuilder() {
    }

    /** Time buckets per window, in [1, 10,000]; default 60. */
    public B buckets(int buckets) {
        this.buckets = Args.inRange(buckets, 1, 10_000, "buckets");
        return self();
    }

    /** The time source; default {@link Clock#systemUTC()}. Tests pass a settable clock. */
    public B clock(Clock clock) {
        this.clock = Objects.requireNonNull(clock, "clock must not be null");
        return self();
    }

    /** The task and limits (a tracker's: of the models without their own); default {@link QualitySpec#defaults()}. */
    public B spec(QualitySpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec must not be null");
        return self();
    }

    @SuppressWarnings("unchecked")
    private B self() {
        return (B) this;
    }
}
