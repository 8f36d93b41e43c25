package dev.vitals.drift;

import java.lang.reflect.Field;
import java.util.Random;
import org.apache.datasketches.kll.KllSketch;

/** Makes KLL's compaction coin flips repeatable in tests (DataSketches keeps one static Random). */
final class KllSeed {
    private KllSeed() {
    }

    static void seed(long seed) {
        try {
            Field f = KllSketch.class.getDeclaredField("random");
            f.setAccessible(true);
            ((Random) f.get(null)).setSeed(seed);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("cannot seed KLL", e);
        }
    }
}
