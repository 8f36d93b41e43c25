package dev.vitals.baseline;

import java.util.Arrays;

/**
 * Median and MAD (median absolute deviation) of the last {@code capacity} values. Not thread-safe:
 * owned by a {@link Series} under the detector's lock.
 *
 * <p>Keeps the values twice, in arrival order (a ring, to know which one leaves) and sorted (binary
 * search plus one array shift per sample), so a sample costs O(capacity) moves and no allocation:
 * about 2 x 8 x 360 = 5.8 KB and well under a microsecond for the default 360.
 */
final class RobustWindow {
    /** Makes 1.4826 x MAD estimate the standard deviation of normal data. */
    static final double MAD_TO_STDDEV = 1.4826;
    /** Makes 1.2533 x mean absolute deviation estimate it, the fallback when MAD is 0. */
    static final double MEAN_AD_TO_STDDEV = 1.2533;

    private final double[] ring;
    private final double[] sorted;
    private int size;
    private int head; // index of the oldest value once full

    RobustWindow(int capacity) {
        ring = new double[capacity];
        sorted = new double[capacity];
    }

    /** An independent copy. */
    RobustWindow copy() {
        RobustWindow c = new RobustWindow(ring.length);
        System.arraycopy(ring, 0, c.ring, 0, ring.length);
        System.arraycopy(sorted, 0, c.sorted, 0, sorted.length);
        c.size = size;
        c.head = head;
        return c;
    }

    int capacity() {
        return ring.length;
    }

    int size() {
        return size;
    }

    /** Adds a finite value, evicting the oldest when full. */
    void add(double x) {
        if (size == ring.length) {
            double old = ring[head];
            ring[head] = x;
            head = (head + 1) % ring.length;
            int at = Arrays.binarySearch(sorted, 0, size, old);
            System.arraycopy(sorted, at + 1, sorted, at, size - at - 1);
            size--;
        } else {
            ring[(head + size) % ring.length] = x;
        }
        int at = Arrays.binarySearch(sorted, 0, size, x);
        if (at < 0) {
            at = -at - 1;
        }
        System.arraycopy(sorted, at, sorted, at + 1, size - at);
        sorted[at] = x;
        size++;
    }

    /** The median; {@code NaN} when empty. */
    double median() {
        if (size == 0) {
            return Double.NaN;
        }
        int h = size / 2;
        return (size & 1) == 1 ? sorted[h] : (sorted[h - 1] + sorted[h]) / 2;
    }

    /**
     * A robust estimate of the standard deviation: 1.4826 x MAD, or, when more than half the window
     * holds the same value (MAD = 0, common for counts and quantized latencies), 1.2533 x the mean
     * absolute deviation from the median. 0 only when all values are equal; the caller floors it.
     */
    double scale() {
        if (size == 0) {
            return Double.NaN;
        }
        double med = median();
        double mad = medianDeviation(med);
        if (mad > 0) {
            return MAD_TO_STDDEV * mad;
        }
        double sum = 0;
        for (int i = 0; i < size; i++) {
            sum += Math.abs(sorted[i] - med);
        }
        return MEAN_AD_TO_STDDEV * sum / size;
    }

    /**
     * The median of |x - med|: the deviations grow outwards from the middle of the sorted values on
     * both sides, so merging the two runs finds it in O(size) without sorting again.
     */
    private double medianDeviation(double med) {
        int left = (size - 1) / 2; // last index on the low side
        int right = left + 1;      // first index on the high side
        int want = size / 2;       // 0-based rank of the upper median deviation
        double prev = 0;
        double cur = 0;
        for (int rank = 0; rank <= want; rank++) {
            double dl = left >= 0 ? med - sorted[left] : Double.POSITIVE_INFINITY;
            double dr = right < size ? sorted[right] - med : Double.POSITIVE_INFINITY;
            prev = cur;
            if (dl <= dr) {
                cur = dl;
                left--;
            } else {
                cur = dr;
                right++;
            }
        }
        return (size & 1) == 1 ? cur : (prev + cur) / 2;
    }

    /** The values oldest first (for snapshots). */
    double[] values() {
        double[] out = new double[size];
        for (int i = 0; i < size; i++) {
            out[i] = ring[(head + i) % ring.length];
        }
        return out;
    }
}
