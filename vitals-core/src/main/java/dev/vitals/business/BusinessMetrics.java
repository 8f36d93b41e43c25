package dev.vitals.business;

import dev.vitals.internal.Args;
import dev.vitals.internal.ThrottledLogger;
import dev.vitals.labels.Family;
import dev.vitals.labels.LabelPolicy;
import dev.vitals.labels.LabelValues;
import dev.vitals.labels.MetricFamilies;
import java.util.concurrent.atomic.LongAdder;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;
import org.apache.datasketches.hash.MurmurHash3;

/**
 * Business metrics of model traffic: unique users and sessions per window, engagement per session,
 * conversions per model and experiment variant, and time to value.
 *
 * <pre>{@code
 * BusinessMetrics business = BusinessMetrics.builder().salt(saltFromConfig).register(registry);
 * business.recordRequest(BusinessRequest.builder("req-42").user("alice").model("gpt-4o-mini").variant("b").build());
 * business.recordEvent("req-42", "purchased");   // 90 s later: vitals_time_to_value_seconds{kind="purchased"} gets 90
 * // 1 purchase out of 4 requests of (gpt-4o-mini, b): vitals_conversion_ratio{...,kind="purchased"} = 0.25
 * }</pre>
 *
 * <h2>Privacy</h2>
 * User and session ids are hashed (HMAC-SHA256 keyed with the salt, cut to 64 bits) as they arrive;
 * only the hash enters the sketches and the session map, and no raw id is stored. Without a
 * configured {@link Builder#salt salt} a random one is drawn per instance: hashes then differ after a
 * restart (which only matters for sessions spanning it), so a server should configure and keep one.
 *
 * <h2>Metrics</h2>
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><th>name</th><th>type</th><th>labels</th><th>meaning</th></tr>
 *   <tr><td>{@code vitals_unique_users}</td><td>gauge</td><td>{@code model, window}</td>
 *       <td>HLL estimate of distinct users ({@code window} {@code 1h} or {@code 24h}; {@code model="__all__"}
 *       counts across models)</td></tr>
 *   <tr><td>{@code vitals_unique_sessions}</td><td>gauge</td><td>{@code model, window}</td><td>the same for sessions</td></tr>
 *   <tr><td>{@code vitals_sessions_active}</td><td>gauge</td><td></td><td>sessions not yet idle for the timeout</td></tr>
 *   <tr><td>{@code vitals_requests_per_session}</td><td>histogram</td><td></td><td>requests of each ended session</td></tr>
 *   <tr><td>{@code vitals_session_duration_seconds}</td><td>histogram</td><td></td>
 *       <td>first to last request of each ended session (0 for one request)</td></tr>
 *   <tr><td>{@code vitals_business_requests_total}</td><td>counter</td><td>{@code model, variant}</td>
 *       <td>requests recorded: the conversion denominator</td></tr>
 *   <tr><td>{@code vitals_business_events_total}</td><td>counter</td><td>{@code model, variant, kind}</td>
 *       <td>accepted events, repeats included</td></tr>
 *   <tr><td>{@code vitals_conversions_total}</td><td>counter</td><td>{@code model, variant, kind}</td>
 *       <td>requests with at least one event of the kind</td></tr>
 *   <tr><td>{@code vitals_conversion_ratio}</td><td>gauge</td><td>{@code model, variant, kind}</td>
 *       <td>conversions over requests since start; for a window use
 *       {@code increase(vitals_conversions_total[1h]) / ignoring(kind) group_left increase(vitals_business_requests_total[1h])}</td></tr>
 *   <tr><td>{@code vitals_time_to_value_seconds}</td><td>histogram</td><td>{@code kind}</td>
 *       <td>from {@link #recordRequest} to a request's first event of the kind</td></tr>
 *   <tr><td>{@code vitals_sessions_evicted_total}</td><td>counter</td><td></td><td>sessions ended early: the session map was full</td></tr>
 *   <tr><td>{@code vitals_business_requests_evicted_total}</td><td>counter</td><td></td>
 *       <td>requests forgotten before their TTL: the request map was full</td></tr>
 *   <tr><td>{@code vitals_business_events_rejected_total}</td><td>counter</td><td>{@code reason}:
 *       {@code unknown_kind}, {@code unknown_request}</td><td>rejected event calls</td></tr>
 *   <tr><td>{@code vitals_business_label_overflow_total}</td><td>counter</td><td>{@code label}: {@code model}, {@code variant}</td>
 *       <td>recordings folded into {@code __overflow__}</td></tr>
 *   <tr><td>{@code vitals_business_recording_errors_total}</td><td>counter</td><td></td><td>requests not recorded: recording failed</td></tr>
 * </table>
 * Label values are bounded: at most {@code maxModels} models (default 16) and {@code maxVariants}
 * variants (default 16), later ones become {@code __overflow__}; kinds are the allowed list (at most 32).
 *
 * <h2>Memory</h2>
 * Bounded by configuration. Unique counts: per model (plus {@code __all__} and {@code __overflow__})
 * four rings, users and sessions for 1 h (12 five-minute sketches) and 24 h (24 hourly sketches), so
 * at most (maxModels + 2) x 72 HLL sketches of about 2.2 KB (lgK 12: 2,216 bytes updatable), 2.9 MB
 * at the defaults, far less while slots are sparse. Sessions: about 120 bytes each, at most {@code maxSessions} (default
 * 100,000: 12 MB); a full map ends its least recently active session. Tracked requests: about
 * 35 bytes each, in arrays that grow as they fill (keyed by a 64-bit hash of the request id; no object per
 * request, so nothing per request is copied by young collections), at most {@code maxTrackedRequests}
 * (default 100,000: 3.4 MB) for {@code requestTtl} (default 1 h); a full set forgets its oldest.
 *
 * <h2>Errors</h2>
 * {@link #recordRequest} never throws: a failure is counted in
 * {@code vitals_business_recording_errors_total} and logged at most once a minute. {@link #recordEvent}
 * and {@link #recordEvents} throw {@link IllegalArgumentException} for an unknown kind or request id,
 * with an exact message, and apply nothing of a batch that has one bad event.
 */
public final class BusinessMetrics {
    private static final Logger LOG = Logger.getLogger(BusinessMetrics.class.getName());

    /** The event kinds allowed unless {@link Builder#eventKinds} says otherwise. */
    public static final List<String> DEFAULT_EVENT_KINDS = List.of("clicked", "purchased", "subscribed", "task_completed");
    /** The {@code model} label of unique counts across all models. */
    public static final String ALL_MODELS = "__all__";
    /** The {@code variant} label of requests without a variant. */
    public static final String NO_VARIANT = "none";

    static final double[] REQUESTS_PER_SESSION = {1, 2, 3, 5, 10, 20, 50, 100, 200, 500, 1000};
    static final double[] SESSION_DURATION_SECONDS = {
        0, 10, 30, 60, 120, 300, 600, 1200, 1800, 3600, 7200, 14400, 28800, 86400
    };
    static final double[] TIME_TO_VALUE_SECONDS = {
        0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400
    };
    static final int MAX_KINDS = 32; // a request's seen kinds are one int of bits
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final long REQUEST_KEY_SEED = 0x5eed_7a11_5L;
    private static final int MAX_ID_IN_MESSAGE = 128;

    /** A sliding window of the unique counts. */
    private record Window(String label, long nanos, int slots) {
    }

    private static final List<Window> WINDOWS = List.of(
            new Window("1h", TimeUnit.HOURS.toNanos(1), 12),
            new Window("24h", TimeUnit.HOURS.toNanos(24), 24));

    private final SaltedHash hasher;
    private final LongSupplier clock;
    private final List<String> kinds;
    private final Map<String, Integer> kindIndex = new HashMap<>();
    private final String allowedKinds;
    private final int lgK;
    private final int maxModels;
    private final int maxVariants;
    private final long requestTtlNanos;
    private final int maxTracked;

    private final Map<String, ModelState> models = new ConcurrentHashMap<>();
    private volatile ModelState overflowModel;
    private final ModelState all;
    private final Set<String> variants = ConcurrentHashMap.newKeySet();
    private final Sessions sessions;
    /** Request-id hash to what an event needs; insertion order is time order. Guarded by itself. */
    private final TrackedRequests<Pair> tracked;

    private final Family<CounterDataPoint> requests;
    private final Family<CounterDataPoint> events;
    private final Family<CounterDataPoint> conversions;
    private final Family.Lazy<DistributionDataPoint>[] timeToValue;
    private final MetricFamilies families;
    /** Raw model name or variant to its cleaned label: PII detection runs once per distinct raw value. */
    private final Map<String, String> cleanedNames = new ConcurrentHashMap<>();
    private final DistributionDataPoint requestsPerSession;
    private final DistributionDataPoint sessionDuration;
    private final CounterDataPoint sessionsEvicted;
    private final CounterDataPoint requestsEvicted;
    private final Family.Lazy<CounterDataPoint> rejectedKind;
    private final Family.Lazy<CounterDataPoint> rejectedRequest;
    private final Family.Lazy<CounterDataPoint> modelOverflow;
    private final Family.Lazy<CounterDataPoint> variantOverflow;
    private final CounterDataPoint recordingErrors;
    private final ThrottledLogger errorLog;

    private BusinessMetrics(Builder b, PrometheusRegistry registry) {
        this.hasher = new SaltedHash(b.salt != null ? b.salt : SaltedHash.randomSalt());
        this.clock = b.clock;
        this.errorLog = new ThrottledLogger(LOG, Duration.ofMinutes(1), clock);
        this.kinds = b.kinds;
        for (int i = 0; i < kinds.size(); i++) {
            kindIndex.put(kinds.get(i), i);
        }
        this.allowedKinds = String.join(", ", kinds);
        this.lgK = b.lgK;
        this.maxModels = b.maxModels;
        this.maxVariants = b.maxVariants;
        this.requestTtlNanos = b.requestTtl.toNanos();
        this.maxTracked = b.maxTrackedRequests;
        this.tracked = new TrackedRequests<>(maxTracked);
        this.all = new ModelState(ALL_MODELS);

        this.families = MetricFamilies.of(registry);
        // (models + overflow + __all__) x (variants + overflow) x kinds: the widest a family can get
        int cap = (int) Math.min(LabelPolicy.MAX_SERIES_CAP, (long) (b.maxModels + 2) * (b.maxVariants + 1) * Math.max(1, kinds.size()));
        requests = families.counter(Counter.builder().name("vitals_business_requests_total")
                .help("Requests recorded for business metrics: the denominator of conversion ratios.")
                .labelNames("model", "variant"), cap);
        events = families.counter(Counter.builder().name("vitals_business_events_total")
                .help("Business events linked to a request, repeats included.")
                .labelNames("model", "variant", "kind"), cap);
        conversions = families.counter(Counter.builder().name("vitals_conversions_total")
                .help("Requests followed by at least one business event of the kind.")
                .labelNames("model", "variant", "kind"), cap);
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_conversion_ratio").unit(Unit.RATIO)
                .help("Conversions over requests since start, per model, variant and event kind.")
                .labelNames("model", "variant", "kind"), cap, cb -> forEachPair(p -> {
                    double n = p.count.sum();
                    if (n > 0) {
                        for (int k = 0; k < kinds.size(); k++) {
                            cb.call(p.converted[k].sum() / n, p.model, p.variant, kinds.get(k));
                        }
                    }
                }));
        Family<DistributionDataPoint> ttv = families.histogram(Histogram.builder().name("vitals_time_to_value_seconds").unit(Unit.SECONDS)
                .help("Time from a request to its first business event of the kind.")
                .classicOnly().classicUpperBounds(TIME_TO_VALUE_SECONDS).labelNames("kind"), Math.max(1, kinds.size()));
        timeToValue = new Family.Lazy[kinds.size()];
        for (String k : b.timeToValueKinds != null ? b.timeToValueKinds : kinds) {
            timeToValue[kindIndex.get(k)] = ttv.lazy(k);
        }
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_unique_users")
                .help("Estimated distinct users (HLL sketch over salted hashes) in the window, per model; model=\"__all__\" across models.")
                .labelNames("model", "window"), (b.maxModels + 2) * WINDOWS.size(), cb -> {
                    long now = clock.getAsLong();
                    for (ModelState m : modelStates()) {
                        for (int w = 0; w < WINDOWS.size(); w++) {
                            cb.call(Math.round(m.users[w].estimate(now)), m.label, WINDOWS.get(w).label());
                        }
                    }
                });
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_unique_sessions")
                .help("Estimated distinct sessions (HLL sketch over salted hashes) in the window, per model; model=\"__all__\" across models.")
                .labelNames("model", "window"), (b.maxModels + 2) * WINDOWS.size(), cb -> {
                    long now = clock.getAsLong();
                    for (ModelState m : modelStates()) {
                        for (int w = 0; w < WINDOWS.size(); w++) {
                            cb.call(Math.round(m.sessions[w].estimate(now)), m.label, WINDOWS.get(w).label());
                        }
                    }
                });
        requestsPerSession = Histogram.builder().name("vitals_requests_per_session")
                .help("Requests in each ended session.")
                .classicOnly().classicUpperBounds(REQUESTS_PER_SESSION).register(registry);
        sessionDuration = Histogram.builder().name("vitals_session_duration_seconds").unit(Unit.SECONDS)
                .help("First to last request of each ended session; 0 for a one-request session.")
                .classicOnly().classicUpperBounds(SESSION_DURATION_SECONDS).register(registry);
        sessionsEvicted = Counter.builder().name("vitals_sessions_evicted_total")
                .help("Sessions ended before their idle timeout because the session map was full.").register(registry);
        sessions = new Sessions(b.sessionIdleTimeout.toNanos(), b.maxSessions, clock, (n, seconds, evicted) -> {
            requestsPerSession.observe(n);
            sessionDuration.observe(seconds);
            if (evicted) {
                sessionsEvicted.inc();
            }
        });
        GaugeWithCallback.builder().name("vitals_sessions_active")
                .help("Sessions with a request within the idle timeout.")
                .callback(cb -> cb.call(sessions.active())).register(registry);
        requestsEvicted = Counter.builder().name("vitals_business_requests_evicted_total")
                .help("Requests forgotten before their TTL because the request map was full; later events for them are rejected.")
                .register(registry);
        Family<CounterDataPoint> rejected = families.counter(Counter.builder().name("vitals_business_events_rejected_total")
                .help("Business event calls rejected: unknown event kind or unknown request id.")
                .labelNames("reason"), 2);
        rejectedKind = rejected.lazy("unknown_kind");
        rejectedRequest = rejected.lazy("unknown_request");
        Family<CounterDataPoint> overflow = families.counter(Counter.builder().name("vitals_business_label_overflow_total")
                .help("Business recordings whose model or variant was folded into __overflow__ because of its cap.")
                .labelNames("label"), 2);
        modelOverflow = overflow.lazy("model");
        variantOverflow = overflow.lazy("variant");
        recordingErrors = Counter.builder().name("vitals_business_recording_errors_total")
                .help("Requests that could not be recorded for business metrics because recording failed.")
                .register(registry);
    }

    /** A new builder with the defaults described on the class. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Records a request: counts it for its model and variant, adds its user and session to the unique
     * counts, counts it in its session, and remembers its request id for {@code requestTtl} so that
     * events can refer to it. Time to value is measured from the request's {@link BusinessRequest#startNanos}
     * (a server records a call when it ends), or from here when it is unknown.
     * A request id recorded again is tracked anew from now. Thread-safe; never throws.
     */
    public void recordRequest(BusinessRequest request) {
        try {
            ModelState m = model(request.model());
            Pair p = m.pair(variant(request.variant()));
            p.count.increment();
            p.requests.get().inc();
            long now = clock.getAsLong();
            String user = request.userId();
            boolean hasUser = user != null && !user.isEmpty();
            long userHash = 0;
            if (hasUser) {
                userHash = hasher.hash('u', user);
                m.addUser(userHash, now);
                all.addUser(userHash, now);
            }
            String session = request.sessionId();
            if (session != null && !session.isEmpty() || hasUser) {
                // without a session id, the user's activity is the session
                long sessionHash = session != null && !session.isEmpty() ? hasher.hash('s', session) : userHash;
                m.addSession(sessionHash, now);
                all.addSession(sessionHash, now);
                sessions.touch(sessionHash);
            }
            track(requestKey(request.requestId()), p, request.startNanos());
        } catch (RuntimeException | Error e) {
            if (e instanceof VirtualMachineError vme) {
                throw vme;
            }
            recordingErrors.inc();
            errorLog.warning("recording a business request failed (further failures in the next minute are only counted)", e);
        }
    }

    /**
     * Records one business event; see {@link #recordEvents}.
     *
     * @throws IllegalArgumentException {@code unknown event kind "x"; allowed: clicked, purchased,
     *     subscribed, task_completed}, or {@code unknown request id "r-1"} (never recorded, older than
     *     the TTL, or evicted), or an empty id or kind
     */
    public void recordEvent(String requestId, String kind) {
        apply(List.of(new BusinessEvent(requestId, kind)), false);
    }

    /**
     * Records business events, all or none: every event is checked before any is applied. Each counts
     * in {@code vitals_business_events_total} under its request's model and variant; the first event of
     * a kind for a request also counts a conversion and, for the time-to-value kinds, observes the time
     * since the request. Thread-safe.
     *
     * @throws IllegalArgumentException for the first bad event, prefixed with its position:
     *     {@code events[2]: unknown event kind "x"; allowed: ...}, {@code events[0]: unknown request id "r-1"},
     *     {@code events[1]: event must not be null}; nothing of the batch is applied
     */
    public void recordEvents(List<BusinessEvent> batch) {
        Objects.requireNonNull(batch, "events must not be null");
        apply(batch, true);
    }

    private void apply(List<BusinessEvent> batch, boolean indexed) {
        synchronized (tracked) {
            long now = clock.getAsLong();
            tracked.expire(now, requestTtlNanos);
            int[] targets = new int[batch.size()];
            int[] kindOf = new int[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                String at = indexed ? "events[" + i + "]: " : "";
                BusinessEvent e = batch.get(i);
                if (e == null) {
                    throw new IllegalArgumentException(at + "event must not be null");
                }
                Integer k = kindIndex.get(e.kind());
                if (k == null) {
                    rejectedKind.get().inc();
                    throw new IllegalArgumentException(at + "unknown event kind \"" + cut(e.kind()) + "\"; allowed: "
                            + allowedKinds);
                }
                int t = tracked.find(requestKey(e.requestId()));
                if (t < 0) {
                    rejectedRequest.get().inc();
                    throw new IllegalArgumentException(at + "unknown request id \"" + cut(e.requestId()) + "\"");
                }
                targets[i] = t;
                kindOf[i] = k;
            }
            // all checked, under the same lock: nothing can expire between the checks and the updates
            for (int i = 0; i < targets.length; i++) {
                int t = targets[i];
                Pair p = tracked.pair(t);
                int k = kindOf[i];
                p.event(k).inc();
                p.eventCount[k].increment();
                int bit = 1 << k;
                if ((tracked.seen(t) & bit) == 0) {
                    tracked.seen(t, tracked.seen(t) | bit);
                    p.converted[k].increment();
                    p.conversion(k).inc();
                    if (timeToValue[k] != null) {
                        timeToValue[k].get().observe(Math.max(0, now - tracked.start(t)) / 1e9);
                    }
                }
            }
        }
    }

    // ---- events resolved and made durable by the caller (a server with a store) ------------------

    /**
     * What an event counts under: its request's model and variant labels, and the seconds since the request.
     *
     * @param model the model label
     * @param variant the variant label
     * @param secondsSinceRequest the time to value so far
     */
    public record Attribution(String model, String variant, double secondsSinceRequest) {
    }

    /**
     * What an event for {@code requestId} would count under, or {@code null} when this instance does not
     * track the request (never recorded here, older than the TTL, or evicted). Changes nothing.
     */
    public Attribution attribution(String requestId) {
        synchronized (tracked) {
            long now = clock.getAsLong();
            tracked.expire(now, requestTtlNanos);
            int t = tracked.find(requestKey(requestId));
            if (t < 0) {
                return null;
            }
            Pair p = tracked.pair(t);
            return new Attribution(p.model, p.variant, Math.max(0, now - tracked.start(t)) / 1e9);
        }
    }

    /**
     * Checks an event kind without recording anything.
     *
     * @throws IllegalArgumentException {@code unknown event kind "x"; allowed: ...} (counted as rejected)
     */
    public void checkKind(String kind) {
        if (kind == null || !kindIndex.containsKey(kind)) {
            rejectedKind.get().inc();
            throw new IllegalArgumentException("unknown event kind \"" + (kind == null ? "null" : cut(kind)) + "\"; allowed: " + allowedKinds);
        }
    }

    /**
     * Counts an event that the caller attributed and stored itself: a server joins events with calls
     * another replica served, and decides durably whether an event is its request's first of the kind
     * ({@code conversion}). Model and variant pass the label policy and caps like a request's. The time
     * to value is observed when {@code timeToValueSeconds} is finite and the kind is timed. Never throws
     * for an allowed kind.
     *
     * @throws IllegalArgumentException for a kind that is not allowed
     */
    public void countEvent(String model, String variant, String kind, boolean conversion, double timeToValueSeconds) {
        Integer k = kindIndex.get(kind);
        if (k == null) {
            throw new IllegalArgumentException("unknown event kind \"" + cut(String.valueOf(kind)) + "\"; allowed: " + allowedKinds);
        }
        Pair p = model(model).pair(variant(variant));
        p.event(k).inc();
        p.eventCount[k].increment();
        if (conversion) {
            p.converted[k].increment();
            p.conversion(k).inc();
            if (timeToValue[k] != null && Double.isFinite(timeToValueSeconds)) {
                timeToValue[k].get().observe(Math.max(0, timeToValueSeconds));
            }
        }
    }

    /**
     * Counts of one (model, variant) since this instance started, plus what {@link #restoreCounts} added.
     *
     * @param model the model label
     * @param variant the variant label
     * @param requests requests recorded (the conversion ratio's denominator)
     * @param events events per kind
     * @param conversions conversions per kind
     */
    public record PairCounts(String model, String variant, long requests, Map<String, Long> events, Map<String, Long> conversions) {
    }

    /** The counts of every (model, variant), kinds without events left out: what a checkpoint saves. */
    public List<PairCounts> counts() {
        List<PairCounts> out = new ArrayList<>();
        forEachPair(p -> {
            Map<String, Long> ev = new LinkedHashMap<>();
            Map<String, Long> conv = new LinkedHashMap<>();
            for (int k = 0; k < kinds.size(); k++) {
                long e = p.eventCount[k].sum();
                long c = p.converted[k].sum();
                if (e > 0) {
                    ev.put(kinds.get(k), e);
                }
                if (c > 0) {
                    conv.put(kinds.get(k), c);
                }
            }
            out.add(new PairCounts(p.model, p.variant, p.count.sum(), ev, conv));
        });
        return out;
    }

    /**
     * Adds saved counts (a checkpoint's) to the event and conversion counters and to the conversion ratio's
     * request count; {@code vitals_business_requests_total} is not touched (requests are not stored, so it
     * restarts at zero like any counter). Unknown kinds are skipped. A server calls it once, at start-up.
     */
    public void restoreCounts(List<PairCounts> saved) {
        for (PairCounts c : saved) {
            Pair p = model(c.model()).pair(variant(c.variant()));
            p.count.add(Math.max(0, c.requests()));
            c.events().forEach((kind, n) -> {
                Integer k = kindIndex.get(kind);
                if (k != null && n != null && n > 0) {
                    p.event(k).inc(n);
                    p.eventCount[k].add(n);
                }
            });
            c.conversions().forEach((kind, n) -> {
                Integer k = kindIndex.get(kind);
                if (k != null && n != null && n > 0) {
                    p.conversion(k).inc(n);
                    p.converted[k].add(n);
                }
            });
        }
    }

    /** Tracks a request from {@code startNanos} (now when unknown or later than now). */
    private void track(long key, Pair p, long startNanos) {
        synchronized (tracked) {
            long now = clock.getAsLong();
            long start = startNanos == BusinessRequest.UNKNOWN_START || startNanos - now > 0 ? now : startNanos;
            tracked.expire(now, requestTtlNanos);
            // a repeated id moves to the tail, keeping the order time order
            if (tracked.track(key, p, start)) {
                requestsEvicted.inc();
            }
        }
    }

    /**
     * Request ids are kept as a 64-bit hash: a tenth of the memory of the strings, and a false match
     * needs two live ids to collide (about 1 in 10^9 with 100,000 tracked).
     */
    private static long requestKey(String requestId) {
        return MurmurHash3.hash(requestId.getBytes(StandardCharsets.UTF_8), REQUEST_KEY_SEED)[0];
    }

    private static String cut(String s) {
        return s.length() > MAX_ID_IN_MESSAGE ? s.substring(0, MAX_ID_IN_MESSAGE) + "..." : s;
    }

    private ModelState model(String raw) {
        String label = cleaned(raw);
        ModelState s = models.get(label);
        if (s != null) {
            return s;
        }
        synchronized (models) {
            s = models.get(label);
            if (s == null && models.size() < maxModels) {
                s = new ModelState(label);
                models.put(label, s);
            }
            if (s != null) {
                return s;
            }
            if (overflowModel == null) {
                overflowModel = new ModelState(LabelValues.OVERFLOW);
            }
        }
        modelOverflow.get().inc();
        return overflowModel;
    }

    private String variant(String raw) {
        String v = raw == null || raw.isEmpty() ? NO_VARIANT : cleaned(raw);
        if (variants.contains(v)) {
            return v;
        }
        synchronized (variants) {
            if (variants.contains(v) || variants.size() < maxVariants && variants.add(v)) {
                return v;
            }
        }
        variantOverflow.get().inc();
        return LabelValues.OVERFLOW;
    }

    /** The label policy's value for a model or variant, cached for a bounded number of raw values. */
    private String cleaned(String raw) {
        String c = raw == null ? null : cleanedNames.get(raw);
        if (c == null) {
            c = families.policy().clean(raw);
            if (raw != null && cleanedNames.size() < 8 * (maxModels + maxVariants)) {
                cleanedNames.put(raw, c);
            }
        }
        return c;
    }

    private List<ModelState> modelStates() {
        List<ModelState> out = new ArrayList<>(models.values());
        ModelState o = overflowModel;
        if (o != null) {
            out.add(o);
        }
        out.add(all);
        return out;
    }

    private void forEachPair(java.util.function.Consumer<Pair> action) {
        for (ModelState m : modelStates()) {
            m.pairs.values().forEach(action);
        }
    }

    /** The unique-count rings of one model and its (model, variant) series. */
    private final class ModelState {
        final String label;
        final WindowedSketch[] users = new WindowedSketch[WINDOWS.size()];
        final WindowedSketch[] sessions = new WindowedSketch[WINDOWS.size()];
        final Map<String, Pair> pairs = new ConcurrentHashMap<>(); // at most maxVariants + 1

        ModelState(String label) {
            this.label = label;
            for (int w = 0; w < WINDOWS.size(); w++) {
                Window win = WINDOWS.get(w);
                users[w] = new WindowedSketch(win.nanos(), win.slots(), lgK);
                sessions[w] = new WindowedSketch(win.nanos(), win.slots(), lgK);
            }
        }

        void addUser(long hash, long now) {
            for (WindowedSketch s : users) {
                s.update(hash, now);
            }
        }

        void addSession(long hash, long now) {
            for (WindowedSketch s : sessions) {
                s.update(hash, now);
            }
        }

        Pair pair(String variant) {
            return pairs.computeIfAbsent(variant, v -> new Pair(label, v));
        }
    }

    /**
     * Series of one (model, variant), each made on first use (a kind that never happened has none);
     * the ratio reads its own sums, so a scrape does not keep idle series alive.
     */
    private final class Pair {
        final String model;
        final String variant;
        final Family.Lazy<CounterDataPoint> requests;
        final LongAdder count = new LongAdder();
        final LongAdder[] converted;
        final LongAdder[] eventCount;
        private final Family.Lazy<CounterDataPoint>[] events;
        private final Family.Lazy<CounterDataPoint>[] conversions;

        @SuppressWarnings("unchecked")
        Pair(String model, String variant) {
            this.model = model;
            this.variant = variant;
            this.requests = BusinessMetrics.this.requests.lazy(model, variant);
            this.events = new Family.Lazy[kinds.size()];
            this.conversions = new Family.Lazy[kinds.size()];
            this.converted = new LongAdder[kinds.size()];
            this.eventCount = new LongAdder[kinds.size()];
            for (int k = 0; k < kinds.size(); k++) {
                events[k] = BusinessMetrics.this.events.lazy(model, variant, kinds.get(k));
                conversions[k] = BusinessMetrics.this.conversions.lazy(model, variant, kinds.get(k));
                converted[k] = new LongAdder();
                eventCount[k] = new LongAdder();
            }
        }

        CounterDataPoint event(int k) {
            return events[k].get();
        }

        CounterDataPoint conversion(int k) {
            return conversions[k].get();
        }
    }

    /** Configures and registers {@link BusinessMetrics}. */
    public static final class Builder {
        private byte[] salt;
        private List<String> kinds = DEFAULT_EVENT_KINDS;
        private List<String> timeToValueKinds;
        private Duration sessionIdleTimeout = Duration.ofMinutes(30);
        private int maxSessions = 100_000;
        private Duration requestTtl = Duration.ofHours(1);
        private int maxTrackedRequests = 100_000;
        private int maxModels = 16;
        private int maxVariants = 16;
        private int lgK = 12;
        private LongSupplier clock = System::nanoTime;

        private Builder() {
        }

        /** The key of the id hashes, at least 16 bytes; default random per instance (see the class). */
        public Builder salt(byte[] salt) {
            if (salt == null || salt.length < 16) {
                throw new IllegalArgumentException("salt must be at least 16 bytes, got " + (salt == null ? 0 : salt.length));
            }
            this.salt = salt.clone();
            return this;
        }

        /** The allowed event kinds (1 to 32, each {@code [a-z][a-z0-9_]{0,63}}); default {@link #DEFAULT_EVENT_KINDS}. */
        public Builder eventKinds(String... kinds) {
            if (kinds == null || kinds.length == 0) {
                throw new IllegalArgumentException("eventKinds must not be empty");
            }
            if (kinds.length > MAX_KINDS) {
                throw new IllegalArgumentException("eventKinds must hold at most " + MAX_KINDS + " kinds, got " + kinds.length);
            }
            List<String> list = new ArrayList<>();
            for (String k : kinds) {
                if (k == null || !KIND.matcher(k).matches()) {
                    throw new IllegalArgumentException("event kind must match [a-z][a-z0-9_]{0,63}, got \"" + k + "\"");
                }
                if (list.contains(k)) {
                    throw new IllegalArgumentException("duplicate event kind \"" + k + "\"");
                }
                list.add(k);
            }
            this.kinds = List.copyOf(list);
            return this;
        }

        /** The kinds whose time to value is measured; each must be an event kind; default all of them. */
        public Builder timeToValueKinds(String... kinds) {
            Objects.requireNonNull(kinds, "timeToValueKinds must not be null");
            this.timeToValueKinds = List.copyOf(new java.util.LinkedHashSet<>(Arrays.asList(kinds)));
            return this;
        }

        /** A session ends after this long without a request; default 30 min. */
        public Builder sessionIdleTimeout(Duration timeout) {
            this.sessionIdleTimeout = positive("sessionIdleTimeout", timeout);
            return this;
        }

        /** Live sessions kept; a new one past this ends the least recently active; default 100,000. */
        public Builder maxSessions(int max) {
            this.maxSessions = atLeastOne("maxSessions", max);
            return this;
        }

        /** How long a request id can receive events; default 1 h. */
        public Builder requestTtl(Duration ttl) {
            this.requestTtl = positive("requestTtl", ttl);
            return this;
        }

        /** Request ids kept for events; a new one past this forgets the oldest; default 100,000. */
        public Builder maxTrackedRequests(int max) {
            this.maxTrackedRequests = atLeastOne("maxTrackedRequests", max);
            return this;
        }

        /** Models with their own series; later ones become {@code __overflow__}; default 16. */
        public Builder maxModels(int max) {
            this.maxModels = atLeastOne("maxModels", max);
            return this;
        }

        /** Variants with their own series, across models; later ones become {@code __overflow__}; default 16. */
        public Builder maxVariants(int max) {
            this.maxVariants = atLeastOne("maxVariants", max);
            return this;
        }

        /**
         * Log2 of the HLL sketches' registers, 4 to 16; default 12: relative standard error
         * 1.04 / sqrt(2^12) = 1.6 %, at most 2,216 bytes a sketch.
         */
        public Builder sketchLgK(int lgK) {
            this.lgK = Args.inRange(lgK, 4, 16, "sketchLgK");
            return this;
        }

        /** The monotonic clock, in nanoseconds, for windows, sessions, TTLs and time to value; default {@link System#nanoTime()}. */
        public Builder clock(LongSupplier nanoClock) {
            this.clock = Objects.requireNonNull(nanoClock, "nanoClock must not be null");
            return this;
        }

        /** Registers the metrics on {@code registry}. Registering twice on one registry fails. */
        public BusinessMetrics register(PrometheusRegistry registry) {
            Objects.requireNonNull(registry, "registry must not be null");
            if (timeToValueKinds != null) {
                for (String k : timeToValueKinds) {
                    if (!kinds.contains(k)) {
                        throw new IllegalArgumentException("timeToValueKinds: \"" + k + "\" is not an event kind");
                    }
                }
            }
            return new BusinessMetrics(this, registry);
        }

        private static Duration positive(String name, Duration d) {
            return Args.positive(d, name);
        }

        private static int atLeastOne(String name, int v) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + v);
            }
            return v;
        }
    }
}
