package dev.vitals.business;

import dev.vitals.internal.Args;
import dev.vitals.internal.ThrottledLogger;
import dev.vitals.labels.Family;
import dev.vitals.labels.MetricFamilies;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import java.util.regex.Pattern;

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
 * (default 100,000: 4.3 MB, a quarter spare) for {@code requestTtl} (default 1 h); a full set forgets its oldest.
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

    static final int MAX_KINDS = 32; // a request's seen kinds are one int of bits
    private static final Pattern KIND = Pattern.compile("[a-z][a-z0-9_]{0,63}");
    private static final int MAX_ID_IN_MESSAGE = 128;

    private final SaltedHash hasher;
    private final LongSupplier clock;
    private final String allowedKinds;
    private final Conversions conversions;
    private final ModelLabels labels;
    private final Sessions sessions;
    private final RequestTracker tracker;

    private final Family.Lazy<CounterDataPoint> rejectedKind;
    private final Family.Lazy<CounterDataPoint> rejectedRequest;
    private final CounterDataPoint recordingErrors;
    private final ThrottledLogger errorLog;

    private BusinessMetrics(Builder b, PrometheusRegistry registry) {
        this.hasher = new SaltedHash(b.salt != null ? b.salt : SaltedHash.randomSalt());
        this.clock = b.clock;
        this.errorLog = new ThrottledLogger(LOG, Duration.ofMinutes(1), clock);
        this.allowedKinds = String.join(", ", b.kinds);

        MetricFamilies families = MetricFamilies.of(registry);
        conversions = new Conversions(families, b.kinds, b.timeToValueKinds, b.maxModels, b.maxVariants, this::forEachPair);
        ModelState.registerGauges(families, b.maxModels, clock, this::modelStates);
        sessions = Sessions.register(registry, clock, b.sessionIdleTimeout.toNanos(), b.maxSessions);
        tracker = new RequestTracker(registry, clock, b.requestTtl.toNanos(), b.maxTrackedRequests);
        Family<CounterDataPoint> rejected = families.counter(Counter.builder().name("vitals_business_events_rejected_total")
                .help("Business event calls rejected: unknown event kind or unknown request id.")
                .labelNames("reason"), 2);
        rejectedKind = rejected.lazy("unknown_kind");
        rejectedRequest = rejected.lazy("unknown_request");
        labels = new ModelLabels(families, b.maxModels, b.maxVariants, b.lgK, conversions);
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
            ModelState m = labels.model(request.model());
            Conversions.Pair p = m.pair(labels.variant(request.variant()));
            p.request();
            long now = clock.getAsLong();
            String user = request.userId();
            boolean hasUser = user != null && !user.isEmpty();
            long userHash = 0;
            if (hasUser) {
                userHash = hasher.hash('u', user);
                m.addUser(userHash, now);
                labels.all().addUser(userHash, now);
            }
            String session = request.sessionId();
            if (session != null && !session.isEmpty() || hasUser) {
                // without a session id, the user's activity is the session
                long sessionHash = session != null && !session.isEmpty() ? hasher.hash('s', session) : userHash;
                m.addSession(sessionHash, now);
                labels.all().addSession(sessionHash, now);
                sessions.touch(sessionHash);
            }
            tracker.track(request.requestId(), p, request.startNanos());
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
        synchronized (tracker) {
            long now = tracker.expire();
            RequestTracker.Tracked[] targets = new RequestTracker.Tracked[batch.size()];
            int[] kindOf = new int[batch.size()];
            for (int i = 0; i < batch.size(); i++) {
                String at = indexed ? "events[" + i + "]: " : "";
                BusinessEvent e = batch.get(i);
                if (e == null) {
                    throw new IllegalArgumentException(at + "event must not be null");
                }
                int k = conversions.kind(e.kind());
                if (k < 0) {
                    rejectedKind.get().inc();
                    throw new IllegalArgumentException(at + "unknown event kind \"" + cut(e.kind()) + "\"; allowed: "
                            + allowedKinds);
                }
                RequestTracker.Tracked t = tracker.get(e.requestId());
                if (t == null) {
                    rejectedRequest.get().inc();
                    throw new IllegalArgumentException(at + "unknown request id \"" + cut(e.requestId()) + "\"");
                }
                targets[i] = t;
                kindOf[i] = k;
            }
            // all checked, under the same lock: nothing can expire between the checks and the updates
            for (int i = 0; i < targets.length; i++) {
                RequestTracker.Tracked t = targets[i];
                t.pair.event(kindOf[i], t.firstOf(kindOf[i]), Math.max(0, now - t.startNanos) / 1e9);
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
        synchronized (tracker) {
            long now = tracker.expire();
            RequestTracker.Tracked t = tracker.get(requestId);
            return t == null ? null : new Attribution(t.pair.model, t.pair.variant, Math.max(0, now - t.startNanos) / 1e9);
        }
    }

    /**
     * Checks an event kind without recording anything.
     *
     * @throws IllegalArgumentException {@code unknown event kind "x"; allowed: ...} (counted as rejected)
     */
    public void checkKind(String kind) {
        if (kind == null || conversions.kind(kind) < 0) {
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
        int k = conversions.kind(kind);
        if (k < 0) {
            throw new IllegalArgumentException("unknown event kind \"" + cut(String.valueOf(kind)) + "\"; allowed: " + allowedKinds);
        }
        labels.model(model).pair(labels.variant(variant)).event(k, conversion, timeToValueSeconds);
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
        labels.forEachPair(p -> out.add(p.counts()));
        return out;
    }

    /**
     * Adds saved counts (a checkpoint's) to the event and conversion counters and to the conversion ratio's
     * request count; {@code vitals_business_requests_total} is not touched (requests are not stored, so it
     * restarts at zero like any counter). Unknown kinds are skipped. A server calls it once, at start-up.
     */
    public void restoreCounts(List<PairCounts> saved) {
        for (PairCounts c : saved) {
            labels.model(c.model()).pair(labels.variant(c.variant())).restore(c);
        }
    }

    private static String cut(String s) {
        return s.length() > MAX_ID_IN_MESSAGE ? s.substring(0, MAX_ID_IN_MESSAGE) + "..." : s;
    }

    // The scrape callbacks of the conversion ratio and the unique counts reach the labels through these:
    // the labels are made after those gauges, where the overflow counter registers.
    private List<ModelState> modelStates() {
        return labels.states();
    }

    private void forEachPair(Consumer<Conversions.Pair> action) {
        labels.forEachPair(action);
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
