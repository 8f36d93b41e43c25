package dev.vitals.business;

/**
 * The requests an event may still refer to, oldest first: a request-id hash, what it counts under, its start
 * and the event kinds seen for it, in parallel arrays (a ring in insertion order, with an open-addressing index
 * on the hash). A map of entry objects made three objects per request (about 100 bytes) that lived until the
 * TTL or until 100,000 newer ones came: under load, long enough to be copied between survivor spaces and
 * promoted, so the old generation grew with every request. These arrays are allocated once per doubling and
 * hold no object per request.
 *
 * <p>Positions returned by {@link #find} stay valid until the next {@link #track} or {@link #expire}. Not
 * thread-safe: the owner locks.
 *
 * @param <P> what a request counts under (shared by many requests)
 */
final class TrackedRequests<P> {
    private static final int MIN_CAPACITY = 1024;

    private final int max;
    /**
     * The most positions: {@code max} and a quarter more, so that the holes a repeated id leaves are reclaimed by a
     * rebuild every {@code max / 4} requests or more, not by one per request once {@code max} are kept.
     */
    private final int limit;
    private long[] keys;
    private long[] starts;
    private int[] seen;
    /** The entry's pair, or {@code null} for a position that is free or was removed (a repeated id). */
    private Object[] pairs;
    /** Position + 1 of the entry with each key, 0 for an empty slot; linear probing. */
    private int[] index;
    private int mask;
    private int head;
    /** Positions in use from head, removed ones included. */
    private int used;
    private int live;
    private int relayouts;

    /** @param max how many requests are kept at most; beyond it the oldest is forgotten */
    TrackedRequests(int max) {
        this.max = max;
        this.limit = max + Math.max(1, max / 4);
        allocate(Math.min(limit, MIN_CAPACITY));
    }

    int size() {
        return live;
    }

    /** The position of the request with {@code key}, or -1. */
    int find(long key) {
        for (int s = home(key); ; s = (s + 1) & mask) {
            int e = index[s];
            if (e == 0) {
                return -1;
            }
            if (keys[e - 1] == key) {
                return e - 1;
            }
        }
    }

    @SuppressWarnings("unchecked")
    P pair(int pos) {
        return (P) pairs[pos];
    }

    long start(int pos) {
        return starts[pos];
    }

    int seen(int pos) {
        return seen[pos];
    }

    void seen(int pos, int kinds) {
        seen[pos] = kinds;
    }

    /** Forgets, oldest first, the requests that started {@code ttlNanos} or more before {@code now}; stops at the first that did not. */
    void expire(long now, long ttlNanos) {
        while (used > 0 && (pairs[head] == null || now - starts[head] >= ttlNanos)) {
            popHead();
        }
    }

    /**
     * Tracks a request as the newest; one with the same key is forgotten first. Returns whether the oldest
     * request was forgotten to make room.
     */
    boolean track(long key, P pair, long start) {
        int pos = find(key);
        if (pos >= 0) {
            unindex(pos);
            pairs[pos] = null;
            live--;
        }
        boolean evicted = false;
        if (live >= max) {
            while (pairs[head] == null) {
                popHead();
            }
            popHead();
            evicted = true;
        }
        while (used > 0 && pairs[head] == null) {
            popHead();
        }
        int capacity = keys.length;
        if (used == capacity) { // no free position: grow while mostly live and under the limit, else compact the holes
            int grown = (int) Math.min(limit, capacity * 2L);
            relayout(live >= capacity - capacity / 4 && grown > capacity ? grown : capacity);
        }
        int at = (head + used) % keys.length;
        keys[at] = key;
        starts[at] = start;
        seen[at] = 0;
        pairs[at] = pair;
        used++;
        live++;
        int s = home(key);
        while (index[s] != 0) {
            s = (s + 1) & mask;
        }
        index[s] = at + 1;
        return evicted;
    }

    private void popHead() {
        if (pairs[head] != null) {
            unindex(head);
            pairs[head] = null;
            live--;
        }
        head = (head + 1) % keys.length;
        used--;
    }

    /** Removes position {@code pos} from the index, shifting back the entries probed past it. */
    private void unindex(int pos) {
        int i = home(keys[pos]);
        while (index[i] != pos + 1) {
            i = (i + 1) & mask;
        }
        for (int j = (i + 1) & mask; index[j] != 0; j = (j + 1) & mask) {
            int k = home(keys[index[j] - 1]);
            boolean stays = i <= j ? i < k && k <= j : i < k || k <= j;
            if (!stays) {
                index[i] = index[j];
                i = j;
            }
        }
        index[i] = 0;
    }

    /** How many times the arrays were rebuilt (grown or compacted). */
    int relayouts() {
        return relayouts;
    }

    /** Copies the live entries, in order, to new arrays of {@code capacity} from position 0. */
    private void relayout(int capacity) {
        relayouts++;
        long[] k = keys;
        long[] st = starts;
        int[] se = seen;
        Object[] p = pairs;
        int from = head;
        int n = used;
        allocate(capacity);
        for (int i = 0; i < n; i++) {
            int src = (from + i) % k.length;
            if (p[src] == null) {
                continue;
            }
            keys[used] = k[src];
            starts[used] = st[src];
            seen[used] = se[src];
            pairs[used] = p[src];
            int s = home(k[src]);
            while (index[s] != 0) {
                s = (s + 1) & mask;
            }
            index[s] = used + 1;
            used++;
        }
        live = used;
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        starts = new long[capacity];
        seen = new int[capacity];
        pairs = new Object[capacity];
        int slots = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) * 2; // at most half full
        index = new int[slots];
        mask = slots - 1;
        head = 0;
        used = 0;
        live = 0;
    }

    private int home(long key) {
        return (int) (key ^ (key >>> 32)) * 0x9E3779B9 & mask;
    }
}
