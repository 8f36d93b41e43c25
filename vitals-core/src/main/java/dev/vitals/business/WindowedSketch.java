package dev.vitals.business;

import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;

/**
 * Distinct count over a sliding window: a ring of {@code slots} HLL sketches, one per
 * {@code window / slots} of time, reset when the ring comes round and merged on read. The estimate
 * covers the current slot and the {@code slots - 1} before it, so between {@code window - slot} and
 * {@code window} of history (a 1 h window of 12 slots: the last 55 to 60 minutes).
 *
 * <p>Memory is bounded by the ring: at most {@code slots} sketches of
 * {@link HllSketch#getMaxUpdatableSerializationBytes} each (2,216 bytes at lgK 12, HLL_4), and a slot
 * stays small (sparse) until it has seen a few hundred distinct values. Sketches are created on first
 * use. Thread-safe (one lock per ring; an update is a hash and a register write).
 */
final class WindowedSketch {
    private final int lgK;
    private final long slotNanos;
    private final HllSketch[] slots;
    private final long[] slotIds;

    WindowedSketch(long windowNanos, int slots, int lgK) {
        this.lgK = lgK;
        this.slotNanos = windowNanos / slots;
        this.slots = new HllSketch[slots];
        this.slotIds = new long[slots];
        java.util.Arrays.fill(slotIds, Long.MIN_VALUE);
    }

    synchronized void update(long hash, long nowNanos) {
        long id = Math.floorDiv(nowNanos, slotNanos);
        int i = (int) Math.floorMod(id, (long) slots.length);
        if (slotIds[i] != id) {
            if (slotIds[i] > id) {
                return; // a clock read that lost a race by more than a slot: too old to count
            }
            if (slots[i] != null) {
                slots[i].reset();
            }
            slotIds[i] = id;
        }
        if (slots[i] == null) {
            slots[i] = new HllSketch(lgK, TgtHllType.HLL_4);
        }
        slots[i].update(hash);
    }

    /** The merged sketch of the live slots at {@code nowNanos}. */
    synchronized HllSketch merged(long nowNanos) {
        long id = Math.floorDiv(nowNanos, slotNanos);
        Union u = new Union(lgK);
        for (int i = 0; i < slots.length; i++) {
            if (slots[i] != null && slotIds[i] <= id && slotIds[i] > id - slots.length) {
                u.update(slots[i]);
            }
        }
        return u.getResult(TgtHllType.HLL_4);
    }

    /** Estimated distinct values in the window ending at {@code nowNanos}. */
    double estimate(long nowNanos) {
        return merged(nowNanos).getEstimate();
    }
}
