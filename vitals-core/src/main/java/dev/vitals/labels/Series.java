package dev.vitals.labels;

import io.prometheus.metrics.core.datapoints.DataPoint;

/**
 * One admitted label tuple of a {@link Family}, cheap to cache per raw value: {@link #get()} is a
 * volatile read and a clock read while the series lives; after idle expiry it admits the tuple again.
 */
public final class Series<D extends DataPoint> {
    private final Family<D> family;
    private volatile Admission.Slot slot;

    Series(Family<D> family, Admission.Slot slot) {
        this.family = family;
        this.slot = slot;
    }

    /** The data point to record in; marks the use. Never throws. */
    @SuppressWarnings("unchecked")
    public D get() {
        Admission.Slot s = slot;
        if (!s.live) {
            Series<D> again = family.series(s.values);
            s = again.slot;
            slot = s;
        }
        if (s.lastUsed != Long.MAX_VALUE) {
            s.touch(family.owner.now());
        }
        return (D) s.dataPoint;
    }

    /** True when this handle records into the family's {@code __overflow__} series. */
    public boolean isOverflow() {
        return slot.lastUsed == Long.MAX_VALUE;
    }
}
