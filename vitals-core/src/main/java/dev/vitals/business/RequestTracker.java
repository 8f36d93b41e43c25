package dev.vitals.business;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.util.function.LongSupplier;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * The requests that events can refer to, for the request TTL: what an event needs of its request
 * (its series and start), keyed by a hash of the request id. Insertion order is time order, so
 * expiring looks only at the head, and a full set forgets its oldest request. Held in
 * {@link TrackedRequests}' arrays, no object per request: a map entry per request lived through
 * many young collections under load and filled the old generation.
 *
 * <p>One lock, this instance's monitor: {@link #track} takes it, and a caller of {@link #expire} and
 * {@link #get} holds it, so that a batch of events is checked and applied with nothing expiring in
 * between.
 */
final class RequestTracker {
    /**
     * Random per instance: request ids are the client's, and with a known seed a client could choose ids whose hashes
     * share the index's probe chain. The hashes are never stored or shared, so nothing else depends on it.
     */
    private final long requestKeySeed = new SecureRandom().nextLong();

    /**
     * What an event needs of its request: a view of its entry, valid while the caller holds the lock and
     * until the next {@link #track} or {@link #expire}. Its seen kinds are the entry's.
     */
    static final class Tracked {
        final Conversions.Pair pair;
        final long startNanos;
        private final TrackedRequests<Conversions.Pair> in;
        private final int pos;

        private Tracked(TrackedRequests<Conversions.Pair> in, int pos) {
            this.in = in;
            this.pos = pos;
            this.pair = in.pair(pos);
            this.startNanos = in.start(pos);
        }

        /** Whether this is the request's first event of kind {@code k}; marks the kind as seen. */
        boolean firstOf(int k) {
            int bit = 1 << k;
            int seen = in.seen(pos);
            if ((seen & bit) != 0) {
                return false;
            }
            in.seen(pos, seen | bit);
            return true;
        }
    }

    private final CounterDataPoint evicted;
    private final LongSupplier clock;
    private final long ttlNanos;
    /** Request-id hash to what an event needs; insertion order is time order. */
    private final TrackedRequests<Conversions.Pair> tracked;

    /** Registers {@code vitals_business_requests_evicted_total} on {@code registry}. */
    RequestTracker(PrometheusRegistry registry, LongSupplier clock, long ttlNanos, int max) {
        this.evicted = Counter.builder().name("vitals_business_requests_evicted_total")
                .help("Requests forgotten before their TTL because the request map was full; later events for them are rejected.")
                .register(registry);
        this.clock = clock;
        this.ttlNanos = ttlNanos;
        this.tracked = new TrackedRequests<>(max);
    }

    /** Tracks a request from {@code startNanos} (now when unknown or later than now). */
    void track(String requestId, Conversions.Pair p, long startNanos) {
        long key = requestKey(requestId);
        synchronized (this) {
            long now = clock.getAsLong();
            long start = startNanos == BusinessRequest.UNKNOWN_START || startNanos - now > 0 ? now : startNanos;
            expire(now);
            // a repeated id moves to the tail, keeping the order time order; a full set forgets its oldest
            if (tracked.track(key, p, start)) {
                evicted.inc();
            }
        }
    }

    /** Reads the clock and forgets the requests older than the TTL; returns the time read. Caller holds the lock. */
    long expire() {
        long now = clock.getAsLong();
        expire(now);
        return now;
    }

    private void expire(long now) {
        tracked.expire(now, ttlNanos);
    }

    /** The tracked request, or null. Caller holds the lock. */
    Tracked get(String requestId) {
        int pos = tracked.find(requestKey(requestId));
        return pos < 0 ? null : new Tracked(tracked, pos);
    }

    /**
     * Request ids are kept as a 64-bit hash: a tenth of the memory of the strings, and a false match
     * needs two live ids to collide (about 1 in 10^9 with 100,000 tracked).
     */
    private long requestKey(String requestId) {
        return MurmurHash3.hash(requestId.getBytes(StandardCharsets.UTF_8), requestKeySeed)[0];
    }
}
