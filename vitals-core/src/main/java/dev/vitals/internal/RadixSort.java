package dev.vitals.internal;

import java.util.Arrays;

/**
 * LSD radix sort of unsigned integer keys, 11 bits a pass (a pass on which all keys agree is skipped): linear in the
 * number of keys, for the million-value columns of the exact ROC AUC and the drift tests, where it measured about
 * twice as fast as {@link Arrays#sort}. The caller maps its values to keys whose unsigned order is their order.
 * Not part of the public API.
 */
public final class RadixSort {
    private static final int BITS = 11;
    private static final int MASK = (1 << BITS) - 1;

    private RadixSort() {
    }

    /** A counts array for {@link #sort(int[], int[], int[], int)}: 2^11 ints, reusable. */
    public static int[] counts() {
        return new int[1 << BITS];
    }

    /** Sorts the first {@code n} keys of {@code a}, with {@code b} as scratch; returns the sorted one, {@code a} or {@code b}. */
    public static int[] sort(int[] a, int[] b, int[] count, int n) {
        for (int shift = 0; shift < 32; shift += BITS) {
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(a[i] >>> shift) & MASK]++;
            }
            if (n == 0 || !offsets(count, count[(a[0] >>> shift) & MASK], n)) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                b[count[(a[i] >>> shift) & MASK]++] = a[i];
            }
            int[] t = a;
            a = b;
            b = t;
        }
        return a;
    }

    /** {@link #sort(int[], int[], int[], int)} for 64-bit keys. */
    public static long[] sort(long[] a, long[] b, int[] count, int n) {
        for (int shift = 0; shift < 64; shift += BITS) {
            Arrays.fill(count, 0);
            for (int i = 0; i < n; i++) {
                count[(int) (a[i] >>> shift) & MASK]++;
            }
            if (n == 0 || !offsets(count, count[(int) (a[0] >>> shift) & MASK], n)) {
                continue;
            }
            for (int i = 0; i < n; i++) {
                b[count[(int) (a[i] >>> shift) & MASK]++] = a[i];
            }
            long[] t = a;
            a = b;
            b = t;
        }
        return a;
    }

    /**
     * Turns a pass's digit counts into each digit's first position; false, changing nothing, when one digit has all
     * {@code n} keys ({@code first}: the count of the first key's digit), so the pass would move nothing.
     */
    private static boolean offsets(int[] count, int first, int n) {
        if (first == n) {
            return false;
        }
        int sum = 0;
        for (int d = 0; d < count.length; d++) {
            int c = count[d];
            count[d] = sum;
            sum += c;
        }
        return true;
    }
}
