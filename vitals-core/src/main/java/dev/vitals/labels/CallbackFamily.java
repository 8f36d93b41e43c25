package dev.vitals.labels;

import java.util.function.Consumer;

/**
 * A labelled family read at scrape time (gauge or counter with callback), obtainable only from
 * {@link MetricFamilies}. Its callback emits through an {@link Emitter}, which cleans each tuple and
 * admits it under the family cap and the global budget; values of refused tuples are dropped (a gauge
 * cannot be summed into {@code __overflow__}) and counted in {@code vitals_label_overflow_total}.
 * A tuple not emitted for the idle time frees its budget.
 */
public final class CallbackFamily extends Admission {
    CallbackFamily(MetricFamilies owner, int cap) {
        super(owner, cap);
    }

    /** Receives one value and its raw label values. */
    @FunctionalInterface
    public interface Emitter {
        /** Emits {@code value} for the raw label values; never throws. */
        void call(double value, String... labels);
    }

    /** The client_java callback's sink. */
    @FunctionalInterface
    interface Sink {
        void call(double value, String... labels);
    }

    void scrape(Consumer<Emitter> callback, Sink sink) {
        long now = owner.now();
        callback.accept((value, raw) -> {
            Slot s = admit(raw == null ? new String[0] : raw);
            if (s != null) {
                s.touch(now);
                sink.call(value, s.values);
            }
        });
    }

    @Override
    Object create(String[] cleaned) {
        return null;
    }

    @Override
    void remove(String[] cleaned) {
        // nothing held: the next scrape simply does not emit it
    }

    /** Tuples held now. */
    public int seriesCount() {
        return size();
    }

    /** Skips PII detection for values from the machine itself (see the class of {@code MetricFamilies}); returns this. */
    public CallbackFamily machineValues() {
        trustMachineValues();
        return this;
    }
}
