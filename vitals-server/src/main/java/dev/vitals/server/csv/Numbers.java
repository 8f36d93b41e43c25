package dev.vitals.server.csv;

import java.util.ArrayList;
import dev.vitals.internal.RadixSort;
import java.util.Arrays;
import java.util.List;

/**
 * A numeric column's values in file order, stored compactly and never assembled into one array while reading:
 * chunks of {@value #CHUNK} values, as {@code int} decimal mantissas at one scale while every value allows it
 * ({@code 2.5} and {@code -10.125} are 2500 and -10125 at 3 decimals: 4 bytes a value, half of a double), else
 * as doubles. A CSV of numbers written with a fixed number of decimals (measurements, money, {@code %.6f}) stays
 * in the compact form.
 *
 * <p>Exact: a mantissa {@code m} at scale {@code s} reads back as {@code m / 10^s}, the correctly rounded
 * quotient of two exact doubles, which is the double {@link CsvValues#parsePlainDecimal} gives for the text
 * (the same rational number, rounded once). A value the compact form cannot hold (more digits, an exponent,
 * ±infinity, -0) turns the column into doubles, converting what was read.
 */
public final class Numbers {
    static final int CHUNK = 8192;
    /** First chunk of a column: grown by doubling to {@link #CHUNK}, so a wide, short file allocates little. */
    private static final int FIRST = 16;
    /** A null in the compact form; mantissas are within ±{@link Integer#MAX_VALUE}. */
    private static final int NULL = Integer.MIN_VALUE;
    /** Decimals the compact form keeps at most (a larger scale would leave too few digits for the integer part). */
    private static final int MAX_SCALE = 9;
    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18};
    private static final long[] LONG_POW10 = {1L, 10L, 100L, 1000L, 10_000L, 100_000L, 1_000_000L, 10_000_000L,
        100_000_000L, 1_000_000_000L};

    /** Full chunks: int[] while compact, then double[]. */
    private List<Object> chunks = new ArrayList<>();
    private int[] lastInts = new int[FIRST];
    private double[] lastDoubles;
    private int pos;
    private int size;
    private int scale;
    /** The largest |mantissa| so far (compact form). */
    private long maxAbs;

    Numbers() {
    }

    /** Once read: the last chunk cut to its values (a wide file has many columns of a few values each). */
    void trim() {
        if (chunks.isEmpty()) {
            chunks = List.of();
        }
        if (lastDoubles != null) {
            lastDoubles = Arrays.copyOf(lastDoubles, pos);
        } else {
            lastInts = Arrays.copyOf(lastInts, pos);
        }
    }

    /** Values, nulls included. */
    public int size() {
        return size;
    }

    /** Whether the values are held as decimal mantissas (4 bytes each) rather than doubles. */
    public boolean compact() {
        return lastDoubles == null;
    }

    /**
     * Adds {@code s} when it is a plain decimal (optional sign, digits, optional point and digits; no spaces or
     * exponent; at most 18 digits, a value up to 2^53 as digits): the values {@link CsvValues#parsePlainDecimal}
     * reads. Returns false, adding nothing, for any other text.
     */
    boolean addPlain(String s) {
        long p = CsvValues.scanPlain(s);
        if (p < 0) {
            return false;
        }
        long m = CsvValues.plainMantissa(p);
        int d = CsvValues.plainDecimals(p);
        boolean negative = CsvValues.plainNegative(p);
        if (lastDoubles == null && !(m == 0 && negative) && fits(m, d)) {
            putInt((int) (negative ? -scaled(m, d) : scaled(m, d)));
            return true;
        }
        add(CsvValues.plainDouble(p));
        return true;
    }

    /** Adds a null. */
    void addNull() {
        if (lastDoubles == null) {
            putInt(NULL);
        } else {
            putDouble(Double.NaN);
        }
    }

    /** Adds any number (nulls as NaN), turning the column into doubles when it is compact. */
    void add(double v) {
        if (lastDoubles == null) {
            toDoubles();
        }
        putDouble(v);
    }

    /** Whether mantissa m with d decimals fits the compact form, raising the scale (and rescaling) if need be. */
    private boolean fits(long m, int d) {
        if (d > MAX_SCALE || m > Integer.MAX_VALUE) {
            return false;
        }
        if (d > scale) {
            long f = LONG_POW10[d - scale];
            if (maxAbs * f > Integer.MAX_VALUE) {
                return false;
            }
            rescale((int) f);
            scale = d;
            maxAbs *= f;
        }
        long scaled = scaled(m, d);
        if (scaled > Integer.MAX_VALUE) {
            return false;
        }
        maxAbs = Math.max(maxAbs, scaled);
        return true;
    }

    /** m at this column's scale (d at most the scale; m and the result at most 2^31, checked by the caller). */
    private long scaled(long m, int d) {
        long f = LONG_POW10[scale - d];
        return m > Integer.MAX_VALUE / f ? Long.MAX_VALUE : m * f;
    }

    private void rescale(int f) {
        for (Object c : chunks) {
            rescale((int[]) c, CHUNK, f);
        }
        rescale(lastInts, pos, f);
    }

    private static void rescale(int[] c, int len, int f) {
        for (int i = 0; i < len; i++) {
            if (c[i] != NULL) {
                c[i] *= f;
            }
        }
    }

    /** The compact chunks converted to doubles, value for value; the column stays doubles from then on. */
    private void toDoubles() {
        List<Object> out = new ArrayList<>(chunks.size() + 1);
        for (Object c : chunks) {
            out.add(doubles((int[]) c, CHUNK, CHUNK));
        }
        chunks = out;
        lastDoubles = doubles(lastInts, pos, lastInts.length);
        lastInts = null;
    }

    private double[] doubles(int[] c, int len, int capacity) {
        double[] d = new double[capacity];
        for (int i = 0; i < len; i++) {
            d[i] = value(c[i]);
        }
        return d;
    }

    private double value(int m) {
        return m == NULL ? Double.NaN : scale == 0 ? (double) m : m / POW10[scale];
    }

    private void putInt(int v) {
        if (pos == lastInts.length) {
            if (lastInts.length < CHUNK) {
                lastInts = Arrays.copyOf(lastInts, Math.min(CHUNK, lastInts.length * 2));
            } else {
                chunks.add(lastInts);
                lastInts = new int[CHUNK];
                pos = 0;
            }
        }
        lastInts[pos++] = v;
        size++;
    }

    private void putDouble(double v) {
        if (pos == lastDoubles.length) {
            if (lastDoubles.length < CHUNK) {
                lastDoubles = Arrays.copyOf(lastDoubles, Math.min(CHUNK, lastDoubles.length * 2));
            } else {
                chunks.add(lastDoubles);
                lastDoubles = new double[CHUNK];
                pos = 0;
            }
        }
        lastDoubles[pos++] = v;
        size++;
    }

    /** The values in file order, nulls as NaN, ±infinity as read: a new array. */
    public double[] toArray() {
        double[] out = new double[size];
        int at = 0;
        for (Object c : chunks) {
            at = copy(c, CHUNK, out, at, false);
        }
        copy(lastDoubles != null ? lastDoubles : lastInts, pos, out, at, false);
        return out;
    }

    /** Finite values (neither null nor ±infinity); at most {@link #size()}. */
    public int finiteCount() {
        int n = 0;
        for (Object c : chunks) {
            n += finite(c, CHUNK);
        }
        return n + finite(lastDoubles != null ? lastDoubles : lastInts, pos);
    }

    /** Scratch space of {@link #sortedFinite}, reused from column to column: two int arrays of the largest one. */
    public static final class Scratch {
        private int[] keys = new int[0];
        private int[] spare = new int[0];
        private final int[] count = RadixSort.counts();
    }

    /** Columns from this many values on are radix sorted; a quicksort is faster below (and for many short ones). */
    private static final int RADIX_FROM = 1024;

    /**
     * The finite values in ascending order into {@code into}, from index 0; returns how many. {@code into} must
     * hold {@link #finiteCount()} values; it may be longer (a buffer reused from column to column). The compact
     * form sorts its mantissas with a radix sort (linear time, in {@code scratch}), whose order is the values'
     * order (one scale; short columns: a quicksort of the ints); doubles are sorted as doubles.
     */
    public int sortedFinite(double[] into, Scratch scratch) {
        if (lastDoubles != null) {
            int at = 0;
            for (Object c : chunks) {
                at = copy(c, CHUNK, into, at, true);
            }
            at = copy(lastDoubles, pos, into, at, true);
            Arrays.sort(into, 0, at);
            return at;
        }
        if (scratch.keys.length < size) {
            scratch.keys = new int[size];
            scratch.spare = new int[size];
        }
        int[] keys = scratch.keys;
        int n = 0;
        for (Object c : chunks) {
            n = mantissas((int[]) c, CHUNK, keys, n);
        }
        n = mantissas(lastInts, pos, keys, n);
        int[] sorted;
        int flip;
        if (n < RADIX_FROM) {
            Arrays.sort(keys, 0, n);
            sorted = keys;
            flip = 0;
        } else {
            flip = Integer.MIN_VALUE; // unsigned order of the flipped keys is the signed order
            for (int i = 0; i < n; i++) {
                keys[i] ^= flip;
            }
            sorted = RadixSort.sort(keys, scratch.spare, scratch.count, n);
        }
        double p = POW10[scale];
        for (int i = 0; i < n; i++) {
            int m = sorted[i] ^ flip;
            into[i] = scale == 0 ? (double) m : m / p;
        }
        return n;
    }

    /** The non-null mantissas of a chunk. */
    private static int mantissas(int[] c, int len, int[] keys, int n) {
        for (int i = 0; i < len; i++) {
            if (c[i] != NULL) {
                keys[n++] = c[i];
            }
        }
        return n;
    }

    private int copy(Object chunk, int len, double[] out, int at, boolean finiteOnly) {
        if (chunk instanceof int[] c) {
            for (int i = 0; i < len; i++) {
                if (!finiteOnly || c[i] != NULL) {
                    out[at++] = value(c[i]);
                }
            }
        } else {
            double[] c = (double[]) chunk;
            for (int i = 0; i < len; i++) {
                if (!finiteOnly || Double.isFinite(c[i])) {
                    out[at++] = c[i];
                }
            }
        }
        return at;
    }

    private static int finite(Object chunk, int len) {
        int n = 0;
        if (chunk instanceof int[] c) {
            for (int i = 0; i < len; i++) {
                n += c[i] != NULL ? 1 : 0;
            }
        } else {
            double[] c = (double[]) chunk;
            for (int i = 0; i < len; i++) {
                n += Double.isFinite(c[i]) ? 1 : 0;
            }
        }
        return n;
    }
}
