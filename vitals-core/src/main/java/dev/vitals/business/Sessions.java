package dev.vitals.business;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Live sessions keyed by their salted hash, in an access-ordered map: the least recently active
 * session is always first, so ending idle sessions looks only at the head. A session ends when it
 * has been idle for the timeout (noticed at the next request or scrape) or, when the map is full,
 * when it is the least recently active one and a new session needs its place (evicted). Either way
 * its request count and duration (first to last request) are reported once, to {@link Ended}.
 *
 * <p>Memory: about 120 bytes per live session (map entry, boxed key, state), so 100,000 sessions
 * take about 12 MB. Thread-safe: one lock, held for a hash-map operation per request.
 */
final class Sessions {
    static final double[] REQUESTS_PER_SESSION = {1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000};
    static final double[] SESSION_DURATION_SECONDS = {
        0, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 86400
    };

    /** Receives each session as it ends. Called under the lock: keep it to a few atomic updates. */
    interface Ended {
        void ended(long requests, double durationSeconds, boolean evicted);
    }

    private static final class Session {
        final long firstNanos;
        long lastNanos;
        long requests;

        Session(long now) {
            firstNanos = now;
            lastNanos = now;
        }
    }

    private final LinkedHashMap<Long, Session> map = new LinkedHashMap<>(256, 0.75f, true);
    private final long idleNanos;
    private final int max;
    private final LongSupplier clock;
    private final Ended ended;

    Sessions(long idleNanos, int max, LongSupplier clock, Ended ended) {
        this.idleNanos = idleNanos;
        this.max = max;
        this.clock = clock;
        this.ended = ended;
    }

    /**
     * Sessions whose ends are observed in {@code vitals_requests_per_session},
     * {@code vitals_session_duration_seconds} and {@code vitals_sessions_evicted_total}; registers those
     * and {@code vitals_sessions_active}, in that order.
     */
    static Sessions register(PrometheusRegistry registry, LongSupplier clock, long idleNanos, int max) {
        DistributionDataPoint requestsPerSession = Histogram.builder().name("vitals_requests_per_session")
                .help("Requests in each ended session.")
                .classicOnly().classicUpperBounds(REQUESTS_PER_SESSION).register(registry);
        DistributionDataPoint sessionDuration = Histogram.builder().name("vitals_session_duration_seconds").unit(Unit.SECONDS)
                .help("First to last request of each ended session; 0 for a one-request session.")
                .classicOnly().classicUpperBounds(SESSION_DURATION_SECONDS).register(registry);
        CounterDataPoint sessionsEvicted = Counter.builder().name("vitals_sessions_evicted_total")
                .help("Sessions ended before their idle timeout because the session map was full.").register(registry);
        Sessions sessions = new Sessions(idleNanos, max, clock, (n, seconds, evicted) -> {
            requestsPerSession.observe(n);
            sessionDuration.observe(seconds);
            if (evicted) {
                sessionsEvicted.inc();
            }
        });
        GaugeWithCallback.builder().name("vitals_sessions_active")
                .help("Sessions with a request within the idle timeout.")
                .callback(cb -> cb.call(sessions.active())).register(registry);
        return sessions;
    }

    /** Counts one request in the session {@code key}, starting it if needed. */
    synchronized void touch(long key) {
        long now = clock.getAsLong(); // read under the lock, so the map's order is the clock's order
        expire(now);
        Session s = map.get(key); // moves it to the tail
        if (s == null) {
            if (map.size() >= max) {
                Iterator<Session> it = map.values().iterator();
                Session eldest = it.next();
                it.remove();
                end(eldest, true);
            }
            s = new Session(now);
            map.put(key, s);
        }
        s.lastNanos = now;
        s.requests++;
    }

    /** Live sessions, after ending the idle ones. */
    synchronized int active() {
        expire(clock.getAsLong());
        return map.size();
    }

    private void expire(long now) {
        Iterator<Map.Entry<Long, Session>> it = map.entrySet().iterator();
        while (it.hasNext()) {
            Session s = it.next().getValue();
            if (now - s.lastNanos < idleNanos) {
                return; // everything after the head was active more recently
            }
            it.remove();
            end(s, false);
        }
    }

    private void end(Session s, boolean evicted) {
        ended.ended(s.requests, (s.lastNanos - s.firstNanos) / 1e9, evicted);
    }
}
