package dev.vitals.labels;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * What every family shares: cleaned tuple to {@link Slot}, the family cap and the global budget,
 * idle expiry. A raw-to-slot cache (bounded to twice the cap) keeps a warm lookup free of
 * {@link LabelPolicy#clean}.
 */
abstract class Admission {
    final MetricFamilies owner;
    final int cap;
    /** Series one tuple adds to the scrape (a histogram: buckets, _count and _sum); what the budget counts. */
    int cost = 1;
    String name;
    private volatile LabelPolicy policy;
    private volatile CounterDataPoint overflowCount;
    private final ConcurrentHashMap<Object, Slot> byClean = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Object, Slot> byRaw = new ConcurrentHashMap<>();
    private final AtomicInteger size = new AtomicInteger();

    Admission(MetricFamilies owner, int cap) {
        this.owner = owner;
        this.cap = cap;
    }

    void init(String prometheusName) {
        this.name = prometheusName;
        this.policy = owner.policy();
    }

    /** A live slot for the tuple, or {@code null} when the family cap or the global budget refuses it. */
    final Slot admit(String[] raw) {
        Object rawKey = TupleKey.of(raw);
        if (rawKey != null) {
            Slot hit = byRaw.get(rawKey);
            if (hit != null && hit.live) {
                return hit;
            }
        }
        String[] cleaned = new String[raw.length];
        for (int i = 0; i < raw.length; i++) {
            // "" is the absent label (error_type of a success); it carries nothing to redact
            cleaned[i] = raw[i] != null && raw[i].isEmpty() ? "" : policy.clean(raw[i]);
        }
        Object key = TupleKey.of(cleaned);
        Slot s = byClean.get(key);
        if (s == null) {
            if (size.get() >= cap) {
                countOverflow();
                return null;
            }
            s = byClean.computeIfAbsent(key, k -> reserve() ? new Slot(cleaned, create(cleaned), owner.now()) : null);
            if (s == null) {
                countOverflow();
                return null;
            }
        }
        if (rawKey != null && byRaw.size() < 2 * cap) {
            byRaw.put(rawKey, s);
        }
        return s;
    }

    /**
     * For label values that come from the machine itself (a GPU's uuid, a disk's name), never from a
     * client: length and UTF-16 validity are still enforced, PII detection is skipped (a GPU uuid is
     * not personal data). Call before the first use.
     */
    void trustMachineValues() {
        this.policy = LabelPolicy.builder().redactPii(false).maxValueLength(owner.policy().maxValueLength())
                .metrics(owner.labelMetrics()).build();
    }

    /** Counts a refused recording. */
    final void countOverflow() {
        CounterDataPoint c = overflowCount;
        if (c == null) {
            overflowCount = c = owner.labelMetrics().overflow(name); // created on the first overflow only
        }
        c.inc();
    }

    private boolean reserve() {
        if (!SeriesLimiter.tryAdd(size, 1, cap)) {
            return false;
        }
        if (owner.reserve(cost)) {
            return true;
        }
        size.decrementAndGet();
        return false;
    }

    /** Creates the client_java data point of a newly admitted tuple ({@code null} for callbacks). */
    abstract Object create(String[] cleaned);

    /** Removes the client_java data point of an expired tuple. */
    abstract void remove(String[] cleaned);

    final int expire(long cutoff) {
        int n = 0;
        for (Iterator<Map.Entry<Object, Slot>> it = byClean.entrySet().iterator(); it.hasNext(); ) {
            Map.Entry<Object, Slot> e = it.next();
            Slot s = e.getValue();
            if (s.lastUsed < cutoff && byClean.remove(e.getKey(), s)) {
                s.live = false;
                remove(s.values);
                size.decrementAndGet();
                n++;
            }
        }
        if (n > 0) {
            byRaw.values().removeIf(s -> !s.live);
            owner.release(n * cost);
        }
        return n;
    }

    /** Tuples held now. */
    final int size() {
        return size.get();
    }

    /** One admitted tuple: its cleaned values, data point and last use. */
    static final class Slot {
        final String[] values;
        final Object dataPoint;
        volatile long lastUsed;
        volatile boolean live = true;

        Slot(String[] values, Object dataPoint, long now) {
            this.values = values;
            this.dataPoint = dataPoint;
            this.lastUsed = now;
        }

        /** Marks a use; writes at most once a second so that a hot series does not bounce a cache line. */
        void touch(long now) {
            if (now - lastUsed >= 1000) {
                lastUsed = now;
            }
        }
    }
}
