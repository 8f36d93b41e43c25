package dev.vitals.quality;

import java.util.Arrays;

/**
 * A map from non-negative {@code long} keys to {@code long} counts with open addressing, so that
 * counting allocates nothing once the table has grown. Not thread-safe; owners lock.
 */
final class LongCounts {
    private static final int INITIAL = 16;
    private static final long EMPTY = -1;

    private long[] keys;
    private long[] values;
    private int size;

    LongCounts() {
        alloc(INITIAL);
    }

    private void alloc(int capacity) {
        keys = new long[capacity];
        Arrays.fill(keys, EMPTY);
        values = new long[capacity];
        size = 0;
    }

    private static int slot(long key, int mask) {
        long h = key * 0x9E3779B97F4A7C15L;
        return (int) (h ^ (h >>> 32)) & mask;
    }

    void add(long key, long delta) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (true) {
            long k = keys[i];
            if (k == key) {
                values[i] += delta;
                return;
            }
            if (k == EMPTY) {
                keys[i] = key;
                values[i] = delta;
                if (++size * 2 > keys.length) {
                    grow();
                }
                return;
            }
            i = (i + 1) & mask;
        }
    }

    long get(long key) {
        int mask = keys.length - 1;
        int i = slot(key, mask);
        while (true) {
            long k = keys[i];
            if (k == key) {
                return values[i];
            }
            if (k == EMPTY) {
                return 0;
            }
            i = (i + 1) & mask;
        }
    }

    private void grow() {
        long[] oldKeys = keys;
        long[] oldValues = values;
        alloc(oldKeys.length * 2);
        for (int i = 0; i < oldKeys.length; i++) {
            if (oldKeys[i] != EMPTY) {
                add(oldKeys[i], oldValues[i]);
            }
        }
    }

    int size() {
        return size;
    }

    /** Empties the map and releases a grown table (a reused window bucket should not keep its peak size). */
    void clear() {
        if (keys.length > INITIAL) {
            alloc(INITIAL);
        } else {
            Arrays.fill(keys, EMPTY);
            Arrays.fill(values, 0);
            size = 0;
        }
    }

    /** The keys, ascending. */
    long[] sortedKeys() {
        long[] out = new long[size];
        int n = 0;
        for (long k : keys) {
            if (k != EMPTY) {
                out[n++] = k;
            }
        }
        Arrays.sort(out);
        return out;
    }

    void addAll(LongCounts other) {
        for (int i = 0; i < other.keys.length; i++) {
            if (other.keys[i] != EMPTY) {
                add(other.keys[i], other.values[i]);
            }
        }
    }

    LongCounts copy() {
        LongCounts c = new LongCounts();
        c.keys = keys.clone();
        c.values = values.clone();
        c.size = size;
        return c;
    }

    interface Visitor {
        void visit(long key, long value);
    }

    void forEach(Visitor v) {
        for (int i = 0; i < keys.length; i++) {
            if (keys[i] != EMPTY) {
                v.visit(keys[i], values[i]);
            }
        }
    }
}
