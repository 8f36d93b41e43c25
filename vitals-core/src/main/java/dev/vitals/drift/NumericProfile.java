package dev.vitals.drift;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.datasketches.common.SketchesArgumentException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The profile of a numeric feature: a KLL quantiles sketch plus exact count, nulls, mean, variance (Welford,
 * merged by Chan's formula), min and max, and the exact counts of its values while it has at most 5 distinct ones.
 *
 * <p>Accuracy: with the default {@code k = 200} the sketch's normalized rank error is 1.33% for ranks and 1.65%
 * for PMF masses (bin shares), both at 99% confidence ({@link #rankError()}); it is exact (error 0) until it
 * first compacts, after about {@code k} values. Size: at most 6.4 KB serialized at {@code k = 200} and 25 KB at
 * the maximum {@code k = 1000}, whatever the number of values.
 *
 * <p>Non-finite values (NaN, ±infinity) count as nulls: a quantile, a mean or a distance over them has no
 * meaning. Thread-safe: every method holds this profile's monitor; {@link #merge} copies the other profile
 * under its monitor first and never holds both.
 */
public final class NumericProfile implements FeatureProfile {
    /** Default KLL {@code k}: 1.33% rank error at 99% confidence. */
    public static final int DEFAULT_K = 200;
    static final int MIN_K = 8;
    /** Largest KLL {@code k}: keeps a feature's serialized size under 26 KB at any volume. */
    static final int MAX_K = 1000;
    /** Up to this many distinct values the profile keeps exact per-value counts (Evidently's "few values" rule). */
    static final int MAX_EXACT_VALUES = 5;

    private final KllDoublesSketch sketch;
    private long count;
    private long nulls;
    private double mean;
    private double m2;
    private double min = Double.NaN;
    private double max = Double.NaN;
    /** The distinct values seen while there are at most {@link #MAX_EXACT_VALUES}; {@code smallSize = -1} after. */
    private final double[] smallValues = new double[MAX_EXACT_VALUES];
    private final long[] smallCounts = new long[MAX_EXACT_VALUES];
    private int smallSize;

    NumericProfile(int k) {
        this(KllDoublesSketch.newHeapInstance(k));
    }

    private NumericProfile(KllDoublesSketch sketch) {
        this.sketch = sketch;
    }

    static void checkK(int k) {
        if (k < MIN_K || k > MAX_K) {
            throw new IllegalArgumentException("kllK must be in [" + MIN_K + ", " + MAX_K + "], got " + k);
        }
    }

    @Override
    public FeatureType type() {
        return FeatureType.NUMERIC;
    }

    /** Adds a value; NaN and ±infinity count as nulls. */
    public synchronized void update(double value) {
        if (!Double.isFinite(value)) {
            nulls++;
            return;
        }
        if (value == 0) {
            value = 0.0; // -0.0 and 0.0 are one value
        }
        sketch.update(value);
        count++;
        double delta = value - mean;
        mean += delta / count;
        m2 += delta * (value - mean);
        if (count == 1) {
            min = value;
            max = value;
        } else if (value < min) {
            min = value;
        } else if (value > max) {
            max = value;
        }
        if (smallSize >= 0) {
            addSmall(value, 1);
        }
    }

    /** Adds a null. */
    public synchronized void updateNull() {
        nulls++;
    }

    private void addSmall(double value, long n) {
        for (int i = 0; i < smallSize; i++) {
            if (smallValues[i] == value) {
                smallCounts[i] += n;
                return;
            }
        }
        if (smallSize == MAX_EXACT_VALUES) {
            smallSize = -1;
            return;
        }
        smallValues[smallSize] = value;
        smallCounts[smallSize] = n;
        smallSize++;
    }

    /** Adds {@code other}'s values to this profile, as if both streams had gone into it. */
    public void merge(NumericProfile other) {
        NumericProfile o = other.copy();
        synchronized (this) {
            if (o.count > 0) {
                if (count == 0) {
                    mean = o.mean;
                    m2 = o.m2;
                    min = o.min;
                    max = o.max;
                } else {
                    long n = count + o.count;
                    double delta = o.mean - mean;
                    mean += delta * o.count / n;
                    m2 += o.m2 + delta * delta * ((double) count * o.count / n);
                    min = Math.min(min, o.min);
                    max = Math.max(max, o.max);
                }
                count += o.count;
                sketch.merge(o.sketch);
                if (o.smallSize < 0) {
                    smallSize = -1;
                }
                for (int i = 0; i < o.smallSize && smallSize >= 0; i++) {
                    addSmall(o.smallValues[i], o.smallCounts[i]);
                }
            }
            nulls += o.nulls;
        }
    }

    /** Non-null (finite) values seen. */
    @Override
    public synchronized long count() {
        return count;
    }

    @Override
    public synchronized long nulls() {
        return nulls;
    }

    /** Count, nulls, mean, population variance, min, max; NaN statistics while no value was seen. */
    public synchronized NumericSummary summary() {
        boolean none = count == 0;
        return new NumericSummary(count, nulls, none ? Double.NaN : mean, none ? Double.NaN : m2 / count,
                min, max, sketch.getK(), rankError());
    }

    /**
     * The approximate value at a normalized rank in [0, 1] (0.5: the median), NaN while empty. Its rank is within
     * {@link #rankError()} of {@code rank} at 99% confidence.
     */
    public synchronized double quantile(double rank) {
        if (!(rank >= 0 && rank <= 1)) {
            throw new IllegalArgumentException("rank must be in [0, 1], got " + rank);
        }
        return count == 0 ? Double.NaN : sketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
    }

    /** The sketch's normalized rank error at 99% confidence; 0 while it still holds every value. */
    public synchronized double rankError() {
        return sketch.isEstimationMode() ? sketch.getNormalizedRankError(false) : 0;
    }

    // --- package-private views for the detector (call on a copy) ---

    synchronized NumericProfile copy() {
        NumericProfile c = new NumericProfile(heapify(sketch.toByteArray()));
        c.copyStatsFrom(this);
        return c;
    }

    private void copyStatsFrom(NumericProfile o) {
        count = o.count;
        nulls = o.nulls;
        mean = o.mean;
        m2 = o.m2;
        min = o.min;
        max = o.max;
        smallSize = o.smallSize;
        System.arraycopy(o.smallValues, 0, smallValues, 0, MAX_EXACT_VALUES);
        System.arraycopy(o.smallCounts, 0, smallCounts, 0, MAX_EXACT_VALUES);
    }

    KllDoublesSketch sketch() {
        return sketch;
    }

    double pmfError() {
        return sketch.isEstimationMode() ? sketch.getNormalizedRankError(true) : 0;
    }

    double min() {
        return min;
    }

    double max() {
        return max;
    }

    double populationStd() {
        return count == 0 ? Double.NaN : Math.sqrt(m2 / count);
    }

    /** Exact distinct values (ascending) while at most 5, else null. */
    double[] smallValues() {
        if (smallSize < 0) {
            return null;
        }
        double[] v = java.util.Arrays.copyOf(smallValues, smallSize);
        java.util.Arrays.sort(v);
        return v;
    }

    long smallCount(double value) {
        for (int i = 0; i < smallSize; i++) {
            if (smallValues[i] == value) {
                return smallCounts[i];
            }
        }
        return 0;
    }

    // --- serialization (framed by DatasetProfile) ---

    synchronized void write(DataOutputStream out) throws IOException {
        out.writeLong(count);
        out.writeLong(nulls);
        out.writeDouble(mean);
        out.writeDouble(m2);
        out.writeDouble(min);
        out.writeDouble(max);
        out.writeByte(smallSize);
        for (int i = 0; i < smallSize; i++) {
            out.writeDouble(smallValues[i]);
            out.writeLong(smallCounts[i]);
        }
        byte[] kll = sketch.toByteArray();
        out.writeInt(kll.length);
        out.write(kll);
    }

    static NumericProfile read(DataInputStream in, String feature) throws IOException {
        long count = in.readLong();
        long nulls = in.readLong();
        double mean = in.readDouble();
        double m2 = in.readDouble();
        double min = in.readDouble();
        double max = in.readDouble();
        int smallSize = in.readByte();
        if (count < 0 || nulls < 0 || smallSize < -1 || smallSize > MAX_EXACT_VALUES) {
            throw corrupt(feature, "bad counts");
        }
        double[] values = new double[Math.max(smallSize, 0)];
        long[] counts = new long[values.length];
        for (int i = 0; i < values.length; i++) {
            values[i] = in.readDouble();
            counts[i] = in.readLong();
        }
        int len = in.readInt();
        if (len < 0 || len > 1 << 20) {
            throw corrupt(feature, "bad sketch length " + len);
        }
        byte[] kll = new byte[len];
        in.readFully(kll);
        NumericProfile p = new NumericProfile(heapify(kll));
        if (p.sketch.getN() != count) {
            throw corrupt(feature, "sketch holds " + p.sketch.getN() + " values, count says " + count);
        }
        p.count = count;
        p.nulls = nulls;
        p.mean = mean;
        p.m2 = m2;
        p.min = min;
        p.max = max;
        p.smallSize = smallSize;
        System.arraycopy(values, 0, p.smallValues, 0, values.length);
        System.arraycopy(counts, 0, p.smallCounts, 0, counts.length);
        return p;
    }

    private static KllDoublesSketch heapify(byte[] bytes) {
        try {
            return KllDoublesSketch.heapify(Memory.wrap(bytes));
        } catch (SketchesArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("corrupt KLL sketch: " + e.getMessage(), e);
        }
    }

    static IllegalArgumentException corrupt(String feature, String why) {
        return new IllegalArgumentException("corrupt dataset profile: feature \"" + feature + "\": " + why);
    }
}
