package dev.vitals.server.auth;

/**
 * A token bucket of {@code perMinute} requests a minute: it refills at perMinute/60 tokens a second and
 * holds at most 10 seconds' worth (at least 1), so a client gets its rate with short bursts but never
 * more than perMinute × 7/6 in any minute. Thread-safe.
 */
final class TokenBucket {
    private final double perNano;
    private final double capacity;
    private double tokens;
    private long last;

    TokenBucket(double perMinute, long nowNanos) {
        this.perNano = perMinute / 60e9;
        this.capacity = Math.max(1.0, perMinute / 6.0);
        this.tokens = capacity;
        this.last = nowNanos;
    }

    /** Takes one token; false when none is left. */
    synchronized boolean tryTake(long nowNanos) {
        long elapsed = Math.max(0, nowNanos - last);
        last = nowNanos;
        tokens = Math.min(capacity, tokens + elapsed * perNano);
        if (tokens >= 1.0) {
            tokens -= 1.0;
            return true;
        }
        return false;
    }
}
