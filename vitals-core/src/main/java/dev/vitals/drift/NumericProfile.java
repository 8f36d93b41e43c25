package dev.vitals.drift;

import dev.vitals.internal.Args;
import dev.vitals.internal.Moments;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import org.apache.datasketches.common.SketchesArgumentException;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The profile of a numeric feature: a KLL quantiles sketch plus exact count, nulls, mean, variance (Welford,
 * merged by Chan's formula), min and max, the 128 smallest and 128 largest values, and the exact counts of its
 * values while it has at most 5 distinct ones.
 *
 * <p>Accuracy: with the default {@code k = 1000} the sketch's normalized rank error is 0.28% for ranks and
 * 0.36% for PMF masses (bin shares), both at 99% confidence ({@link #rankError()}); it is exact (error 0) until
 * it first compacts, after about {@code k} values. ({@code k = 200}, DataSketches' default: 1.33% and 1.65%;
 * that is too coarse for binned distances over ~20 bins, whose tail bins it misestimates enough to inflate a
 * same-distribution PSI to 0.04-0.13, so Vitals defaults to 1000.) Size: at most 26.7 KB serialized at
 * {@code k = 1000} and 50.5 KB at the maximum {@code k = 2000}, whatever the number of values (up to 2^62).
 *
 * <p>Non-finite values (NaN, ±infinity) count as nulls: a quantile, a mean or a distance over them has no
 * meaning. Thread-safe: every method holds this profile's monitor; {@link #merge} copies the other profile
 * under its monitor first and never holds both.
 */
public final class NumericProfile extends AbstractProfile implements FeatureProfile {
    /** Default KLL {@code k}: 0.28% rank error, 0.36% PMF error, at 99% confidence. */
    public static final int DEFAULT_K = 1000;
    static final int MIN_K = 8;
    /** Largest KLL {@code k}: keeps a feature's serialized size under 51 KB (of the 64 KiB budget) at any volume. */
    static final int MAX_K = 2000;
    /** Up to this many distinct values the profile keeps exact per-value counts (Evidently's "few values" rule). */
    static final int MAX_EXACT_VALUES = 5;
    /**
     * Smallest and largest values kept exactly (2 × 128 × 8 bytes): a KLL sketch represents its extremes by a
     * few items of large weight, and the outer bins of equal-width binning hold just those few values; with the
     * exact tails their counts are exact, which is what keeps PSI and KL, with their log ratios, stable.
     */
    static final int TAIL = 128;

    private final KllDoublesSketch sketch;
    private double mean;
    private double m2;
    private double min = Double.NaN;
    private double max = Double.NaN;
    /** The distinct values seen while there are at most {@link #MAX_EXACT_VALUES}; {@code smallSize = -1} after. */
    private final double[] smallValues = new double[MAX_EXACT_VALUES];
    private final long[] smallCounts = new long[MAX_EXACT_VALUES];
    private int smallSize;
    /** The {@link #TAIL} smallest values, ascending, and the {@link #TAIL} largest (ascending): exact tails. */
    private double[] low = new double[TAIL];
    private int lowSize;
    private double[] high = new double[TAIL];
    private int highSize;

    NumericProfile(int k) {
        this(KllDoublesSketch.newHeapInstance(k));
    }

    private NumericProfile(KllDoublesSketch sketch) {
        this.sketch = sketch;
    }

    static void checkK(int k) {
        Args.inRange(k, MIN_K, MAX_K, "kllK");
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
        if (lowSize < TAIL || value < low[lowSize - 1]) {
            lowSize = insert(low, lowSize, value, true);
        }
        if (highSize < TAIL || value > high[0]) {
            highSize = insert(high, highSize, value, false);
        }
    }

    /** Inserts into an ascending array of at most TAIL; when full, drops the largest (keepSmallest) or smallest. */
    private static int insert(double[] a, int size, double value, boolean keepSmallest) {
        int pos = java.util.Arrays.binarySearch(a, 0, size, value);
        if (pos < 0) {
            pos = -pos - 1;
        }
        if (size < TAIL) {
            System.arraycopy(a, pos, a, pos + 1, size - pos);
            a[pos] = value;
            return size + 1;
        }
        if (keepSmallest) {
            System.arraycopy(a, pos, a, pos + 1, size - 1 - pos);
            a[pos] = value;
        } else {
            System.arraycopy(a, 1, a, 0, pos - 1);
            a[pos - 1] = value;
        }
        return size;
    }

    private static double[] mergeTail(double[] a, int na, double[] b, int nb, boolean keepSmallest) {
        double[] all = new double[na + nb];
        System.arraycopy(a, 0, all, 0, na);
        System.arraycopy(b, 0, all, na, nb);
        java.util.Arrays.sort(all);
        int keep = Math.min(all.length, TAIL);
        double[] out = new double[TAIL];
        System.arraycopy(all, keepSmallest ? 0 : all.length - keep, out, 0, keep);
        return out;
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
                    m2 = Moments.mergedM2(count, mean, m2, o.count, o.mean, o.m2);
                    mean = Moments.mergedMean(count, mean, o.count, o.mean);
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
                int newLow = Math.min(lowSize + o.lowSize, TAIL);
                low = mergeTail(low, lowSize, o.low, o.lowSize, true);
                lowSize = newLow;
                int newHigh = Math.min(highSize + o.highSize, TAIL);
                high = mergeTail(high, highSize, o.high, o.highSize, false);
                highSize = newHigh;
            }
            nulls += o.nulls;
        }
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
        low = o.low.clone();
        lowSize = o.lowSize;
        high = o.high.clone();
        highSize = o.highSize;
    }

    /** The exact smallest values (ascending; all of them while count <= TAIL). */
    double[] lowTail() {
        return java.util.Arrays.copyOf(low, lowSize);
    }

    /** The exact largest values (ascending). */
    double[] highTail() {
        return java.util.Arrays.copyOf(high, highSize);
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
        out.writeShort(lowSize);
        for (int i = 0; i < lowSize; i++) {
            out.writeDouble(low[i]);
        }
        out.writeShort(highSize);
        for (int i = 0; i < highSize; i++) {
            out.writeDouble(high[i]);
        }
        writeBlock(out, sketch.toByteArray());
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
        double[][] tails = new double[2][];
        for (int t = 0; t < 2; t++) {
            int size = in.readShort();
            if (size < 0 || size > TAIL || size > count) {
                throw corrupt(feature, "bad tail size " + size);
            }
            tails[t] = new double[size];
            for (int i = 0; i < size; i++) {
                tails[t][i] = in.readDouble();
            }
        }
        NumericProfile p = new NumericProfile(heapify(readBlock(in, feature)));
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
        System.arraycopy(tails[0], 0, p.low, 0, tails[0].length);
        p.lowSize = tails[0].length;
        System.arraycopy(tails[1], 0, p.high, 0, tails[1].length);
        p.highSize = tails[1].length;
        return p;
    }

    private static KllDoublesSketch heapify(byte[] bytes) {
        try {
            return KllDoublesSketch.heapify(Memory.wrap(bytes));
        } catch (SketchesArgumentException | IndexOutOfBoundsException e) {
            throw new IllegalArgumentException("corrupt KLL sketch: " + e.getMessage(), e);
        }
    }
}
