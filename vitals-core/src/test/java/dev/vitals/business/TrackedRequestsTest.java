package dev.vitals.business;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The arrays behave as the insertion-ordered map they replaced (which stays here as the reference): the same
 * requests found with the same pair, start and seen kinds, the same evictions and expiries, through growth,
 * repeated ids, wrap-around and colliding keys.
 */
class TrackedRequestsTest {
    private static final class Ref {
        final String pair;
        final long start;
        int seen;

        Ref(String pair, long start) {
            this.pair = pair;
            this.start = start;
        }
    }

    @Test
    void behavesAsTheInsertionOrderedMap() {
        Random rnd = new Random(15);
        for (int run = 0; run < 60; run++) {
            int max = 1 + rnd.nextInt(run % 3 == 0 ? 5 : 3000);
            long ttl = 1 + rnd.nextInt(5000);
            int keySpace = 1 + rnd.nextInt(max * 3);
            boolean colliding = rnd.nextBoolean(); // keys that share their low bits
            TrackedRequests<String> t = new TrackedRequests<>(max);
            LinkedHashMap<Long, Ref> ref = new LinkedHashMap<>();
            long now = 0;
            for (int op = 0; op < 20_000; op++) {
                now += rnd.nextInt(3);
                long key = colliding ? (long) rnd.nextInt(keySpace) << 40 : rnd.nextInt(keySpace);
                int what = rnd.nextInt(10);
                if (what < 6) {
                    long start = now - rnd.nextInt(50);
                    String pair = "p" + rnd.nextInt(4);
                    t.expire(now, ttl);
                    expire(ref, now, ttl);
                    ref.remove(key);
                    boolean evicted = false;
                    if (ref.size() >= max) {
                        Iterator<Ref> it = ref.values().iterator();
                        it.next();
                        it.remove();
                        evicted = true;
                    }
                    ref.put(key, new Ref(pair, start));
                    assertThat(t.track(key, pair, start)).as("run %d op %d evicted", run, op).isEqualTo(evicted);
                } else {
                    t.expire(now, ttl);
                    expire(ref, now, ttl);
                    int pos = t.find(key);
                    Ref r = ref.get(key);
                    assertThat(pos >= 0).as("run %d op %d found %d", run, op, key).isEqualTo(r != null);
                    if (r != null) {
                        assertThat(t.pair(pos)).isEqualTo(r.pair);
                        assertThat(t.start(pos)).isEqualTo(r.start);
                        assertThat(t.seen(pos)).isEqualTo(r.seen);
                        int bit = 1 << rnd.nextInt(5);
                        t.seen(pos, t.seen(pos) | bit);
                        r.seen |= bit;
                    }
                }
                assertThat(t.size()).isEqualTo(ref.size());
            }
            for (Map.Entry<Long, Ref> e : ref.entrySet()) {
                assertThat(t.pair(t.find(e.getKey()))).isEqualTo(e.getValue().pair);
            }
        }
    }

    private static void expire(LinkedHashMap<Long, Ref> ref, long now, long ttl) {
        Iterator<Ref> it = ref.values().iterator();
        while (it.hasNext() && now - it.next().start >= ttl) {
            it.remove();
        }
    }

    @Test
    void holdsNoObjectPerRequestAndGrowsOnlyToItsBound() {
        TrackedRequests<String> t = new TrackedRequests<>(5000);
        for (long k = 0; k < 20_000; k++) {
            t.track(k * 0x9E3779B97F4A7C15L, "p", k);
        }
        assertThat(t.size()).isEqualTo(5000);
        assertThat(t.find(0)).isEqualTo(-1);
        assertThat(t.find(19_999 * 0x9E3779B97F4A7C15L)).isNotNegative();
        t.expire(30_000, 10_002); // only the last (start 19,999) is younger
        assertThat(t.size()).isEqualTo(1);
    }

    @Test
    void aRepeatedIdWhenFullDoesNotRebuildTheArraysEachTime() {
        int max = 5000;
        TrackedRequests<String> t = new TrackedRequests<>(max);
        long k = 0;
        for (; k < max; k++) {
            t.track(k * 0x9E3779B97F4A7C15L, "p", k);
        }
        int before = t.relayouts();
        for (int i = 0; i < 10_000; i++, k++) {
            t.track((k - 10) * 0x9E3779B97F4A7C15L, "p", k); // a client re-sending a recent request id
            t.track(k * 0x9E3779B97F4A7C15L, "p", k);
        }
        // each rebuild frees at least a fifth of the positions: about 20,000 / 1,250, not one per repeated id
        assertThat(t.relayouts() - before).isLessThanOrEqualTo(20);
        assertThat(t.size()).isEqualTo(max);
        assertThat(t.find((k - 1) * 0x9E3779B97F4A7C15L)).isNotNegative();
    }
}
