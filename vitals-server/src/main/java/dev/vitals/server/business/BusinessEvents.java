package dev.vitals.server.business;

import dev.vitals.business.BusinessEvent;
import dev.vitals.business.BusinessMetrics;
import dev.vitals.labels.LabelValues;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.state.JournalReplay;
import dev.vitals.server.store.CallRow;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.PendingJoin;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Business events ({@code POST /v1/events}) made durable: an accepted batch is in the store before the
 * 2xx, in one group commit with its conversions ({@code business_conversions}: a request's first event
 * of a kind, decided by the insert that succeeds, so a conversion counts once on any replica and across
 * restarts) and its journal entry; the counts are applied after the commit. An event for a request id
 * that neither this replica tracks nor the store has a call row for (another replica answered it a
 * moment ago) waits as a pending join (202) and counts when the row arrives, or expires as
 * {@code unknown_call} after {@code quality.pendingGraceSeconds}.
 *
 * <p>The event and conversion counters are rebuilt at start-up from the last checkpoint (every minute)
 * plus the journal since, so they continue where the killed process left off and Prometheus sees no
 * reset: every acknowledged event is counted once. Events whose request this replica did not record
 * (another replica's call, or one from before a restart) count under the call's model and the variant
 * {@code unknown}: the call row does not keep the variant.
 */
public final class BusinessEvents {
    private static final Logger LOG = Logger.getLogger(BusinessEvents.class.getName());
    /** The journal and pending-join kind. */
    static final String KIND = "business_event";
    private static final List<String> JOURNAL_KINDS = List.of(KIND);
    static final String BLOB_PREFIX = "business.counts.";
    /** Events for older calls are refused, as {@link BusinessMetrics}' default request TTL refuses them. */
    static final long REQUEST_TTL_MILLIS = 3_600_000L;

    /** One event as counted: what the journal keeps and replay applies. */
    private record Counted(String model, String variant, String kind, boolean conversion, double ttv) {
        JsonObject json() {
            JsonObject o = new JsonObject().put("model", model).put("variant", variant).put("kind", kind).put("conversion", conversion);
            return Double.isFinite(ttv) ? o.put("ttv", ttv) : o;
        }

        static Counted of(JsonObject o) {
            Number ttv = o.getNumber("ttv");
            return new Counted(o.getString("model"), o.getString("variant"), o.getString("kind"),
                    Boolean.TRUE.equals(o.getBoolean("conversion")), ttv == null ? Double.NaN : ttv.doubleValue());
        }
    }

    /** What the transaction of a batch committed: its journal entry ({@code -1}: none), counts, events parked and duplicates. */
    private record Committed(long seq, List<Counted> counted, int parked, int duplicates) {
        Committed(long seq, List<Counted> counted) {
            this(seq, counted, 0, 0);
        }
    }

    /**
     * The {@code business_conversions} kind under which an event's {@code event_id} is kept: a re-sent event
     * (its first copy stored, its answer lost to a crash) is a duplicate, on any replica. Real kinds are
     * label values, which never start with '#'.
     */
    static final String EVENT_ID_KIND = "#event_id";

    /**
     * What a batch became.
     *
     * @param accepted events stored
     * @param pending of those, events waiting for their call's row
     * @param duplicates events whose {@code event_id} was stored before: not counted again
     */
    public record Result(int accepted, int pending, int duplicates) {
    }

    private final BusinessMetrics business;
    private final StateStore store;
    private final GroupCommitter writer;
    private final String replica;
    private final long graceMillis;
    private final long maxPending;
    private final LongSupplier clock;
    private final dev.vitals.labels.Family<io.prometheus.metrics.core.datapoints.CounterDataPoint> outcomes;
    private final Object applyLock = new Object();
    /** The last journal entry applied to the counters; a checkpoint records it. Guarded by applyLock. */
    private long appliedSeq;
    private volatile Map<String, Long> pendingCounts = Map.of();

    /**
     * Restores the counters from the checkpoint and this replica's journal since; blocking.
     *
     * @param replica this replica's name in the journal ({@code local} when alone)
     */
    public BusinessEvents(BusinessMetrics business, StateStore store, GroupCommitter writer, String replica, long graceMillis,
                          long maxPending, PrometheusRegistry registry, LongSupplier clock) {
        this.business = business;
        this.store = store;
        this.writer = writer;
        this.replica = replica;
        this.graceMillis = graceMillis;
        this.maxPending = maxPending;
        this.clock = clock;
        this.outcomes = dev.vitals.labels.MetricFamilies.of(registry).counter(Counter.builder().name("vitals_business_event_joins_total")
                .help("Business events whose request id had no call yet: pending (stored, waiting), joined, unknown_call (expired), rejected.")
                .labelNames("outcome"), 4);
    }

    /**
     * Stores a batch, all or nothing, and counts what could be attributed; blocking (worker threads).
     *
     * @throws ApiException 400 for a kind that is not allowed, 404 for a call older than the request TTL or
     *     when too many events wait already; nothing of the batch is stored then
     */
    public Result record(List<BusinessEvent> events) {
        return record(events, java.util.Collections.nCopies(events.size(), null));
    }

    /**
     * As {@link #record(List)}, with an optional idempotency id per event ({@code null}: none): an event whose id
     * is stored already is a duplicate and counts nothing.
     */
    public Result record(List<BusinessEvent> events, List<String> eventIds) {
        long now = clock.getAsLong();
        List<BusinessMetrics.Attribution> resolved = new ArrayList<>();
        int waiting = 0;
        for (int i = 0; i < events.size(); i++) {
            BusinessEvent e = events.get(i);
            try {
                business.checkKind(e.kind());
            } catch (IllegalArgumentException x) {
                throw new ApiException(400, "invalid_event", "events[" + i + "]: " + x.getMessage());
            }
            BusinessMetrics.Attribution a = attribution(e.requestId(), now, "events[" + i + "]: ");
            resolved.add(a);
            waiting += a == null ? 1 : 0;
        }
        if (waiting > 0 && pendingCounts.getOrDefault(PendingJoin.PENDING, 0L) + waiting > maxPending) {
            throw new ApiException(404, "unknown_request_id", "no call with request id '" + cut(events.get(resolved.indexOf(null)).requestId())
                    + "', and " + maxPending + " items wait for their calls already (quality.maxPending)");
        }
        Committed done = writer.write(tx -> {
            List<Counted> counted = new ArrayList<>();
            int parked = 0;
            int duplicates = 0;
            for (int i = 0; i < events.size(); i++) {
                BusinessEvent e = events.get(i);
                String eventId = eventIds.get(i);
                if (eventId != null && !tx.firstEvent(eventId, EVENT_ID_KIND, now)) {
                    duplicates++;
                    continue;
                }
                BusinessMetrics.Attribution a = resolved.get(i);
                if (a == null) {
                    String payload = new JsonObject().put("request_id", e.requestId()).put("kind", e.kind()).encode();
                    tx.park(new PendingJoin(0, KIND, e.requestId(), UUID.randomUUID().toString(), payload, now, now + graceMillis,
                            PendingJoin.PENDING, replica));
                    parked++;
                } else {
                    counted.add(new Counted(a.model(), a.variant(), e.kind(), tx.firstEvent(e.requestId(), e.kind(), now),
                            a.secondsSinceRequest()));
                }
            }
            return new Committed(counted.isEmpty() ? -1 : tx.journal(replica, KIND, payload(counted)), counted, parked, duplicates);
        }, this::apply);
        if (done.parked() > 0) {
            outcomes.labels("pending").inc(done.parked());
        }
        return new Result(events.size() - done.duplicates(), done.parked(), done.duplicates());
    }

    /** This replica's own record of the request, else the call row any replica wrote; null: not yet known. */
    private BusinessMetrics.Attribution attribution(String requestId, long now, String at) {
        BusinessMetrics.Attribution a = business.attribution(requestId);
        if (a != null) {
            return a;
        }
        CallRow row = store.findCall(requestId);
        if (row == null) {
            return null;
        }
        if (now - row.timeMillis() >= REQUEST_TTL_MILLIS) {
            throw new ApiException(404, "unknown_request_id", at + "request id \"" + cut(requestId)
                    + "\" is older than an hour: events count for an hour after their call");
        }
        return new BusinessMetrics.Attribution(row.model(), LabelValues.UNKNOWN, Math.max(0, now - row.timeMillis()) / 1000.0);
    }

    private static String payload(List<Counted> counted) {
        JsonArray a = new JsonArray();
        counted.forEach(c -> a.add(c.json()));
        return new JsonObject().put("events", a).encode();
    }

    /** Counts a committed batch, in commit order (the writer thread, or replay). */
    private void apply(Committed c) {
        if (c == null || c.seq() < 0) {
            return;
        }
        synchronized (applyLock) {
            try {
                for (Counted e : c.counted()) {
                    business.countEvent(e.model(), e.variant(), e.kind(), e.conversion(), e.ttv());
                }
            } finally {
                appliedSeq = Math.max(appliedSeq, c.seq());
            }
        }
    }

    /**
     * Counts pending events whose call's row has arrived (from any replica) and expires those that
     * waited past the grace period; blocking, run every half second.
     */
    public void joinPending() {
        long now = clock.getAsLong();
        int expired = store.expirePending(KIND, now);
        if (expired > 0) {
            outcomes.labels("unknown_call").inc(expired);
        }
        for (PendingJoin p : store.joinable(KIND, "calls", "request_id", 500)) {
            JsonObject o = new JsonObject(p.payload());
            String kind = o.getString("kind");
            BusinessMetrics.Attribution a;
            try {
                business.checkKind(kind);
                a = attribution(p.joinKey(), now, "");
            } catch (RuntimeException e) { // the kinds changed since, or the call is older than the TTL
                if (writer.write(tx -> tx.claim(p.id()), null)) {
                    outcomes.labels("rejected").inc();
                    LOG.warning("pending business event for " + cut(p.joinKey()) + " dropped: " + e.getMessage());
                }
                continue;
            }
            if (a == null) {
                continue; // the row went meanwhile (retention): it expires
            }
            Committed done = writer.write(tx -> {
                if (!tx.claim(p.id())) {
                    return new Committed(-1, List.of()); // another replica joined it
                }
                List<Counted> counted = List.of(new Counted(a.model(), a.variant(), kind, tx.firstEvent(p.joinKey(), kind, now),
                        a.secondsSinceRequest()));
                return new Committed(tx.journal(replica, KIND, payload(counted)), counted);
            }, this::apply);
            if (done.seq() >= 0) {
                outcomes.labels("joined").inc();
            }
        }
        pendingCounts = store.pendingCounts(KIND);
    }

    /** Events waiting for their calls and expired ones, as the store has them. */
    public Map<String, Long> pendingCounts() {
        return pendingCounts;
    }

    /** Saves the counters with the last journal entry they include, then prunes the journal up to it; blocking. */
    public void save() {
        List<BusinessMetrics.PairCounts> counts;
        long seq;
        synchronized (applyLock) {
            counts = business.counts();
            seq = appliedSeq;
        }
        JsonArray pairs = new JsonArray();
        for (BusinessMetrics.PairCounts c : counts) {
            pairs.add(new JsonObject().put("model", c.model()).put("variant", c.variant()).put("requests", c.requests())
                    .put("events", new JsonObject(new LinkedHashMap<>(c.events())))
                    .put("conversions", new JsonObject(new LinkedHashMap<>(c.conversions()))));
        }
        store.putBlob(BLOB_PREFIX + replica, new JsonObject().put("journal_seq", seq).put("pairs", pairs).encode()
                .getBytes(StandardCharsets.UTF_8));
        if (seq > 0) {
            store.pruneJournal(replica, JOURNAL_KINDS, seq);
        }
    }

    /** Restores the counters from the checkpoint and the journal after it; blocking, once, before the server serves. */
    public void restore() {
        pendingCounts = store.pendingCounts(KIND);
        long after = 0;
        byte[] b = store.getBlob(BLOB_PREFIX + replica);
        if (b != null) {
            try {
                JsonObject o = new JsonObject(new String(b, StandardCharsets.UTF_8));
                List<BusinessMetrics.PairCounts> counts = new ArrayList<>();
                for (Object p : o.getJsonArray("pairs")) {
                    JsonObject j = (JsonObject) p;
                    counts.add(new BusinessMetrics.PairCounts(j.getString("model"), j.getString("variant"), j.getLong("requests", 0L),
                            longs(j.getJsonObject("events")), longs(j.getJsonObject("conversions"))));
                }
                business.restoreCounts(counts);
                after = o.getLong("journal_seq", 0L);
            } catch (RuntimeException e) {
                LOG.warning("stored business counts ignored (replaying the whole journal): " + e.getMessage());
            }
        }
        long last = JournalReplay.replay(store, replica, JOURNAL_KINDS, after, e -> {
            List<Counted> counted = new ArrayList<>();
            for (Object x : new JsonObject(e.payload()).getJsonArray("events")) {
                Counted c = Counted.of((JsonObject) x);
                // time to value is an ordinary histogram that restarts empty: observing again would count twice
                counted.add(new Counted(c.model(), c.variant(), c.kind(), c.conversion(), Double.NaN));
            }
            apply(new Committed(e.seq(), counted));
        }, LOG, "business: %d journaled event batches");
        synchronized (applyLock) {
            appliedSeq = Math.max(appliedSeq, last);
        }
    }

    private static Map<String, Long> longs(JsonObject o) {
        Map<String, Long> out = new LinkedHashMap<>();
        if (o != null) {
            o.forEach(e -> out.put(e.getKey(), ((Number) e.getValue()).longValue()));
        }
        return out;
    }

    private static String cut(String s) {
        return s.length() > 128 ? s.substring(0, 128) + "..." : s;
    }
}
