package dev.vitals.system;

import java.util.function.BiConsumer;

/** Takes one sample; {@link OshiProbe} in production, a scripted one in tests. */
interface Probe {
    /** One sample at {@code nowNanos}; parts that fail are reported to {@code onError} by name and left NaN. */
    SystemSnapshot sample(long nowNanos, BiConsumer<String, Throwable> onError);
}
