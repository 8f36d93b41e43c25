package dev.vitals.server.state;

import java.util.Arrays;

/**
 * Which interval each slot of a fixed-size ring holds: interval {@code n} lives in slot {@code n mod capacity}, so
 * a slot is reused after {@code capacity} intervals and what it held before is told apart by its interval number.
 * Not synchronized: the owner's lock guards it together with the data it indexes.
 */
public final class IntervalSlots {
    private final long[] interval;

    public IntervalSlots(int capacity) {
        interval = new long[capacity];
        Arrays.fill(interval, Long.MIN_VALUE); // no interval yet
    }

    public int capacity() {
        return interval.length;
    }

    /** The slot holding interval {@code iv}, or -1 when it holds another one or none. */
    public int find(long iv) {
        int slot = (int) Math.floorMod(iv, interval.length);
        return interval[slot] == iv ? slot : -1;
    }

    /** The slot of interval {@code iv}, now holding it (the caller overwrites or clears its data). */
    public int claim(long iv) {
        int slot = (int) Math.floorMod(iv, interval.length);
        interval[slot] = iv;
        return slot;
    }
}
