package dev.vitals.server.slo;

import dev.vitals.llm.CallListener;
import dev.vitals.llm.LlmCall;
import dev.vitals.server.state.IntervalSlots;
import io.vertx.core.json.JsonObject;
import java.util.HashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The dashboard's SLO panel: per model (and all models together) the calls, failures and calls slower
 * than the latency objective's threshold in 5-minute buckets over the SLO window, so the page can show
 * the error budget left and the burn rate with the same definitions as the Prometheus rules
 * ({@code deploy/prometheus/vitals-rules.yml}). Only what this server saw since it started: the answer
 * says how much of the window that covers. Bounded: {@code windowDays} × 288 buckets of 32 bytes for at
 * most {@code maxModels} models plus the total (about 2.7 MB for 30 days and 10 models; later models
 * count only in the total).
 */
public final class SloTracker implements CallListener {
    /** All models together. */
    public static final String ALL = "*";
    static final long BUCKET_MILLIS = 5 * 60_000L;

    private final double availability;
    private final double latency;
    private final double thresholdSeconds;
    private final int windowDays;
    private final int buckets;
    private final int maxModels;
    private final LongSupplier clock;
    private final long startMillis;
    private final Ring all;
    private final Map<String, Ring> models = new HashMap<>();

    public SloTracker(double availability, double latency, double thresholdSeconds, int windowDays, int maxModels, LongSupplier clock) {
        this.availability = availability;
        this.latency = latency;
        this.thresholdSeconds = thresholdSeconds;
        this.windowDays = windowDays;
        this.buckets = (int) (windowDays * 86_400_000L / BUCKET_MILLIS);
        this.maxModels = maxModels;
        this.clock = clock;
        this.startMillis = clock.getAsLong();
        this.all = new Ring(buckets);
    }

    @Override
    public void onCall(LlmCall c) {
        try {
            long b = Math.floorDiv(clock.getAsLong(), BUCKET_MILLIS);
            boolean failed = !c.success();
            boolean slow = c.durationSeconds() > thresholdSeconds;
            all.add(b, failed, slow);
            Ring r;
            synchronized (models) {
                r = models.get(c.model());
                if (r == null && models.size() < maxModels) {
                    r = new Ring(buckets);
                    models.put(c.model(), r);
                }
            }
            if (r != null) {
                r.add(b, failed, slow);
            }
        } catch (RuntimeException e) {
            // an observer: never into the request
        }
    }

    /** The panel's JSON for a model ({@link #ALL} for all); a model it does not track gets zero calls. */
    public JsonObject report(String model) {
        Ring r;
        synchronized (models) {
            r = ALL.equals(model) ? all : models.get(model);
        }
        long now = clock.getAsLong();
        long b = Math.floorDiv(now, BUCKET_MILLIS);
        long[] window = r == null ? new long[3] : r.sum(b - buckets + 1, b);
        long[] hour = r == null ? new long[3] : r.sum(b - 11, b);
        long[] five = r == null ? new long[3] : r.sum(b, b);
        long covered = Math.min(now - startMillis, windowDays * 86_400_000L);
        return new JsonObject().put("model", model).put("window_days", windowDays).put("covered_seconds", covered / 1000)
                .put("availability", objective(availability, window[0], window[1], hour, five, 1).put("bad_means", "failed calls"))
                .put("latency", objective(latency, window[0], window[2], hour, five, 2).put("threshold_seconds", thresholdSeconds)
                        .put("bad_means", "calls slower than " + fmt(thresholdSeconds) + " s"));
    }

    private static String fmt(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Error budget left = 1 − bad / ((1 − objective) × calls) over the window (negative when overspent);
     * burn rate = the bad share over 1 h (and over the current 5-minute bucket) / (1 − objective), as the
     * burn-rate alerts use it. Null where there were no calls: no number is made up.
     */
    private static JsonObject objective(double objective, long calls, long bad, long[] hour, long[] five, int idx) {
        double allowed = 1 - objective;
        return new JsonObject().put("objective", objective).put("calls", calls).put("bad", bad)
                .put("actual", calls == 0 ? null : 1 - bad / (double) calls)
                .put("error_budget_left", calls == 0 ? null : 1 - bad / (allowed * calls))
                .put("burn_rate_1h", hour[0] == 0 ? null : hour[idx] / (double) hour[0] / allowed)
                .put("burn_rate_5m", five[0] == 0 ? null : five[idx] / (double) five[0] / allowed);
    }

    /** Buckets of (calls, failed, slow), indexed by bucket number modulo the window. */
    private static final class Ring {
        final IntervalSlots slots;
        final long[] calls;
        final long[] failed;
        final long[] slow;

        Ring(int n) {
            slots = new IntervalSlots(n);
            calls = new long[n];
            failed = new long[n];
            slow = new long[n];
        }

        synchronized void add(long b, boolean isFailed, boolean isSlow) {
            int i = slots.find(b);
            if (i < 0) {
                i = slots.claim(b);
                calls[i] = 0;
                failed[i] = 0;
                slow[i] = 0;
            }
            calls[i]++;
            if (isFailed) {
                failed[i]++;
            }
            if (isSlow) {
                slow[i]++;
            }
        }

        synchronized long[] sum(long from, long to) {
            long[] s = new long[3];
            for (long b = Math.max(from, to - slots.capacity() + 1); b <= to; b++) {
                int i = slots.find(b);
                if (i >= 0) {
                    s[0] += calls[i];
                    s[1] += failed[i];
                    s[2] += slow[i];
                }
            }
            return s;
        }
    }
}
