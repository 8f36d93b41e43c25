package dev.vitals.business;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.ClassicHistogramBucket;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot.HistogramDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class BusinessMetricsTest {
    private static final byte[] SALT = "0123456789abcdef-test-salt".getBytes(StandardCharsets.UTF_8);
    private static final double RSE_LGK12 = 1.04 / Math.sqrt(1 << 12);

    private final AtomicLong clock = new AtomicLong(1_000_000_000L);
    private PrometheusRegistry registry;
    private BusinessMetrics business;

    @BeforeEach
    void setUp() {
        registry = new PrometheusRegistry();
        business = BusinessMetrics.builder().salt(SALT).clock(clock::get).register(registry);
    }

    // ---- helpers ------------------------------------------------------------------------------

    private void advance(Duration d) {
        clock.addAndGet(d.toNanos());
    }

    private void request(String id, String user, String session, String model, String variant) {
        business.recordRequest(BusinessRequest.builder(id).user(user).session(session).model(model).variant(variant).build());
    }

    private MetricSnapshot snapshot(String name) {
        for (MetricSnapshot s : registry.scrape()) {
            String n = s.getMetadata().getPrometheusName();
            if (n.equals(name) || (n + "_total").equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no metric " + name);
    }

    private DataPointSnapshot point(String name, String... labels) {
        for (DataPointSnapshot dp : snapshot(name).getDataPoints()) {
            if (dp.getLabels().equals(Labels.of(labels))) {
                return dp;
            }
        }
        return null;
    }

    private double value(String name, String... labels) {
        DataPointSnapshot dp = point(name, labels);
        assertThat(dp).as("series %s%s", name, List.of(labels)).isNotNull();
        return dp instanceof GaugeDataPointSnapshot g ? g.getValue() : ((CounterDataPointSnapshot) dp).getValue();
    }

    private HistogramDataPointSnapshot histogram(String name, String... labels) {
        return (HistogramDataPointSnapshot) point(name, labels);
    }

    private static long bucket(HistogramDataPointSnapshot h, double le) {
        for (ClassicHistogramBucket b : h.getClassicBuckets()) {
            if (b.getUpperBound() == le) {
                return b.getCount();
            }
        }
        throw new AssertionError("no bucket le=" + le);
    }

    // ---- unique users -------------------------------------------------------------------------

    @Test
    void hllEstimatesAMillionDistinctIdsWithinThreeStandardErrorsInAFewKiB() {
        SaltedHash hash = new SaltedHash(SALT);
        WindowedSketch window = new WindowedSketch(TimeUnit.HOURS.toNanos(1), 12, 12);
        int n = 1_000_000;
        long now = 0;
        long step = TimeUnit.MINUTES.toNanos(55) / n; // spread over 11 of the 12 five-minute slots
        for (int i = 0; i < n; i++) {
            window.update(hash.hash('u', "user-" + i), now);
            now += step;
        }
        HllSketch merged = window.merged(now);
        double estimate = merged.getEstimate();
        double error = Math.abs(estimate - n) / n;
        int bytes = merged.toCompactByteArray().length;
        int maxUpdatable = HllSketch.getMaxUpdatableSerializationBytes(12, TgtHllType.HLL_4);
        System.out.printf("HLL lgK=12: %d distinct -> estimate %.0f (error %.3f%%, RSE %.3f%%), compact %d bytes, "
                + "updatable max %d bytes%n", n, estimate, error * 100, RSE_LGK12 * 100, bytes, maxUpdatable);

        assertThat(error).isLessThan(3 * RSE_LGK12);
        assertThat(bytes).isLessThan(4 * 1024);
        assertThat(maxUpdatable).as("the per-sketch bound stated in BusinessMetrics' Javadoc").isLessThanOrEqualTo(2_216);
    }

    @Test
    void uniqueUsersPerModelAndAcrossModels() {
        for (int i = 0; i < 3000; i++) {
            request("r" + i, "user-" + (i % 1000), null, i % 2 == 0 ? "gpt-4o" : "llama", null);
        }
        // 1000 users; even requests (users 0, 2, ..., 998) on gpt-4o, odd ones on llama: 500 each
        assertThat(value("vitals_unique_users", "model", "__all__", "window", "1h")).isCloseTo(1000, within(1000 * 3 * RSE_LGK12));
        assertThat(value("vitals_unique_users", "model", "__all__", "window", "24h")).isCloseTo(1000, within(1000 * 3 * RSE_LGK12));
        assertThat(value("vitals_unique_users", "model", "gpt-4o", "window", "1h")).isCloseTo(500, within(500 * 3 * RSE_LGK12));
        assertThat(value("vitals_unique_users", "model", "llama", "window", "1h")).isCloseTo(500, within(500 * 3 * RSE_LGK12));
        // no session ids: each user's activity is one session
        assertThat(value("vitals_unique_sessions", "model", "__all__", "window", "1h")).isCloseTo(1000, within(1000 * 3 * RSE_LGK12));
    }

    @Test
    void windowsSlideAndMemoryIsReused() {
        request("r1", "alice", null, "m", null);
        request("r2", "bob", null, "m", null);
        advance(Duration.ofMinutes(30));
        request("r3", "carol", null, "m", null);
        assertThat(value("vitals_unique_users", "model", "m", "window", "1h")).isEqualTo(3);

        advance(Duration.ofMinutes(31)); // alice and bob are 61 min old, carol 31
        assertThat(value("vitals_unique_users", "model", "m", "window", "1h")).isEqualTo(1);
        assertThat(value("vitals_unique_users", "model", "m", "window", "24h")).isEqualTo(3);

        advance(Duration.ofHours(24));
        assertThat(value("vitals_unique_users", "model", "m", "window", "1h")).isZero();
        assertThat(value("vitals_unique_users", "model", "m", "window", "24h")).isZero();
        request("r4", "alice", null, "m", null);
        assertThat(value("vitals_unique_users", "model", "m", "window", "24h")).isEqualTo(1);
    }

    @Test
    void idsAreHashedWithTheSalt() {
        SaltedHash a = new SaltedHash(SALT);
        SaltedHash b = new SaltedHash("another-salt-of-16-bytes".getBytes(StandardCharsets.UTF_8));
        assertThat(a.hash('u', "alice")).isEqualTo(new SaltedHash(SALT).hash('u', "alice"));
        assertThat(a.hash('u', "alice")).isNotEqualTo(b.hash('u', "alice"));
        assertThat(a.hash('u', "alice")).as("users and sessions are separate domains").isNotEqualTo(a.hash('s', "alice"));
    }

    // ---- sessions -----------------------------------------------------------------------------

    @Test
    void sessionsEndAfterTheIdleTimeout() {
        request("r1", "alice", "s1", "m", null);
        advance(Duration.ofMinutes(10));
        request("r2", "alice", "s1", "m", null);
        advance(Duration.ofMinutes(5));
        request("r3", "alice", "s1", "m", null);
        request("r4", "bob", null, "m", null); // no session id: bob's activity is his session
        assertThat(value("vitals_sessions_active")).isEqualTo(2);
        assertThat(histogram("vitals_requests_per_session").getCount()).isZero();

        advance(Duration.ofMinutes(30)); // both idle for 30 min: ended at the next scrape
        assertThat(value("vitals_sessions_active")).isZero();
        HistogramDataPointSnapshot perSession = histogram("vitals_requests_per_session");
        assertThat(perSession.getCount()).isEqualTo(2);
        assertThat(perSession.getSum()).isEqualTo(4);
        assertThat(bucket(perSession, 1)).isEqualTo(1);
        assertThat(bucket(perSession, 3)).isEqualTo(1);
        HistogramDataPointSnapshot duration = histogram("vitals_session_duration_seconds");
        assertThat(duration.getSum()).isEqualTo(15 * 60);
        assertThat(bucket(duration, 0)).as("bob's one-request session").isEqualTo(1);
        assertThat(bucket(duration, 1200)).as("alice's 15 min").isEqualTo(1);
        assertThat(value("vitals_sessions_evicted_total")).isZero();

        request("r5", "alice", "s1", "m", null); // the same id after the timeout: a new session
        assertThat(value("vitals_sessions_active")).isEqualTo(1);
    }

    @Test
    void aFullSessionMapEndsTheLeastRecentlyActiveSession() {
        BusinessMetrics small = BusinessMetrics.builder().salt(SALT).clock(clock::get).maxSessions(2)
                .register(registry = new PrometheusRegistry());
        small.recordRequest(BusinessRequest.builder("r1").session("a").build());
        advance(Duration.ofSeconds(1));
        small.recordRequest(BusinessRequest.builder("r2").session("b").build());
        advance(Duration.ofSeconds(1));
        small.recordRequest(BusinessRequest.builder("r3").session("a").build()); // a is now the most recent
        small.recordRequest(BusinessRequest.builder("r4").session("c").build()); // evicts b

        assertThat(value("vitals_sessions_active")).isEqualTo(2);
        assertThat(value("vitals_sessions_evicted_total")).isEqualTo(1);
        assertThat(histogram("vitals_requests_per_session").getSum()).as("b had one request").isEqualTo(1);
    }

    // ---- conversions and time to value --------------------------------------------------------

    @Test
    void conversionsPerModelAndVariantOnScriptedTraffic() {
        // variant a: 4 requests, 1 purchase; variant b: 2 requests, 2 purchases, one click repeated
        for (int i = 0; i < 4; i++) {
            request("a" + i, "u" + i, null, "gpt-4o", "a");
        }
        request("b0", "u0", null, "gpt-4o", "b");
        request("b1", "u1", null, "gpt-4o", "b");
        request("x0", "u9", null, "llama", null);
        advance(Duration.ofSeconds(90));
        business.recordEvent("a2", "purchased");
        business.recordEvents(List.of(
                new BusinessEvent("b0", "purchased"),
                new BusinessEvent("b1", "purchased"),
                new BusinessEvent("b1", "clicked"),
                new BusinessEvent("b1", "clicked")));

        assertThat(value("vitals_business_requests_total", "model", "gpt-4o", "variant", "a")).isEqualTo(4);
        assertThat(value("vitals_business_requests_total", "model", "llama", "variant", "none")).isEqualTo(1);
        assertThat(value("vitals_conversion_ratio", "model", "gpt-4o", "variant", "a", "kind", "purchased")).isEqualTo(0.25);
        assertThat(value("vitals_conversion_ratio", "model", "gpt-4o", "variant", "b", "kind", "purchased")).isEqualTo(1.0);
        assertThat(value("vitals_conversion_ratio", "model", "gpt-4o", "variant", "b", "kind", "clicked")).isEqualTo(0.5);
        assertThat(value("vitals_conversion_ratio", "model", "gpt-4o", "variant", "a", "kind", "subscribed")).isZero();
        assertThat(value("vitals_conversion_ratio", "model", "llama", "variant", "none", "kind", "purchased")).isZero();
        assertThat(value("vitals_business_events_total", "model", "gpt-4o", "variant", "b", "kind", "clicked")).isEqualTo(2);
        assertThat(value("vitals_conversions_total", "model", "gpt-4o", "variant", "b", "kind", "clicked")).isEqualTo(1);
        assertThat(point("vitals_conversion_ratio", "model", "__all__", "variant", "none", "kind", "clicked"))
                .as("no conversion series for the all-models unique counter").isNull();
    }

    @Test
    void timeToValueIsMeasuredToTheFirstEventOfAKind() {
        request("r1", "u1", null, "m", null);
        advance(Duration.ofSeconds(3));
        request("r2", "u2", null, "m", null);
        advance(Duration.ofSeconds(87));
        business.recordEvent("r1", "task_completed"); // 90 s after r1
        business.recordEvent("r2", "task_completed"); // 87 s after r2
        advance(Duration.ofMinutes(10));
        business.recordEvent("r1", "task_completed"); // a repeat: not a first event
        business.recordEvent("r1", "purchased"); // 690 s after r1

        HistogramDataPointSnapshot done = histogram("vitals_time_to_value_seconds", "kind", "task_completed");
        assertThat(done.getCount()).isEqualTo(2);
        assertThat(done.getSum()).isEqualTo(177);
        assertThat(bucket(done, 120)).isEqualTo(2);
        HistogramDataPointSnapshot bought = histogram("vitals_time_to_value_seconds", "kind", "purchased");
        assertThat(bought.getCount()).isEqualTo(1);
        assertThat(bought.getSum()).isEqualTo(690);
    }

    @Test
    void timeToValueCountsFromTheRequestsStartNotFromWhenItWasRecorded() {
        long start = clock.get();
        advance(Duration.ofSeconds(20)); // the call takes 20 s and is recorded when it ends
        business.recordRequest(BusinessRequest.builder("r1").model("m").startedAt(start).build());
        business.recordRequest(BusinessRequest.builder("r2").model("m").startedAt(clock.get() + 5_000_000_000L).build());
        advance(Duration.ofSeconds(10));
        business.recordEvent("r1", "purchased");
        business.recordEvent("r2", "purchased"); // a start in the future counts from when it was recorded

        HistogramDataPointSnapshot bought = histogram("vitals_time_to_value_seconds", "kind", "purchased");
        assertThat(bought.getCount()).isEqualTo(2);
        assertThat(bought.getSum()).isEqualTo(30 + 10);
    }

    @Test
    void timeToValueOnlyForTheChosenKinds() {
        BusinessMetrics chosen = BusinessMetrics.builder().salt(SALT).clock(clock::get)
                .eventKinds("clicked", "signed_up").timeToValueKinds("signed_up")
                .register(registry = new PrometheusRegistry());
        chosen.recordRequest(BusinessRequest.builder("r1").model("m").build());
        advance(Duration.ofSeconds(5));
        chosen.recordEvent("r1", "clicked");
        chosen.recordEvent("r1", "signed_up");

        assertThat(histogram("vitals_time_to_value_seconds", "kind", "clicked")).isNull();
        assertThat(histogram("vitals_time_to_value_seconds", "kind", "signed_up").getSum()).isEqualTo(5);
        assertThatThrownBy(() -> chosen.recordEvent("r1", "purchased"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown event kind \"purchased\"; allowed: clicked, signed_up");
    }

    // ---- rejections ---------------------------------------------------------------------------

    @Test
    void unknownKindsAndRequestIdsAreRejectedWithExactMessages() {
        request("r1", "u1", null, "m", null);
        assertThatThrownBy(() -> business.recordEvent("r1", "liked"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown event kind \"liked\"; allowed: clicked, purchased, subscribed, task_completed");
        assertThatThrownBy(() -> business.recordEvent("r-404", "clicked"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown request id \"r-404\"");
        assertThatThrownBy(() -> business.recordEvent("", "clicked"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("requestId must be a non-empty string");
        assertThatThrownBy(() -> business.recordEvents(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("events must not be null");
        assertThat(value("vitals_business_events_rejected_total", "reason", "unknown_kind")).isEqualTo(1);
        assertThat(value("vitals_business_events_rejected_total", "reason", "unknown_request")).isEqualTo(1);
    }

    @Test
    void aBatchWithOneBadEventAppliesNothing() {
        request("r1", "u1", null, "m", null);
        request("r2", "u2", null, "m", null);
        List<BusinessEvent> badKind = List.of(new BusinessEvent("r1", "clicked"), new BusinessEvent("r2", "purchased"),
                new BusinessEvent("r2", "shared"));
        assertThatThrownBy(() -> business.recordEvents(badKind))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("events[2]: unknown event kind \"shared\"; allowed: clicked, purchased, subscribed, task_completed");
        List<BusinessEvent> badId = java.util.Arrays.asList(new BusinessEvent("r1", "clicked"), new BusinessEvent("r3", "clicked"));
        assertThatThrownBy(() -> business.recordEvents(badId))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("events[1]: unknown request id \"r3\"");
        List<BusinessEvent> withNull = java.util.Arrays.asList(new BusinessEvent("r1", "clicked"), null);
        assertThatThrownBy(() -> business.recordEvents(withNull))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("events[1]: event must not be null");

        // nothing applied: not even a series (they are created on first use)
        assertThat(point("vitals_business_events_total", "model", "m", "variant", "none", "kind", "clicked")).isNull();
        assertThat(point("vitals_business_events_total", "model", "m", "variant", "none", "kind", "purchased")).isNull();
        assertThat(point("vitals_conversions_total", "model", "m", "variant", "none", "kind", "clicked")).isNull();
        assertThat(point("vitals_time_to_value_seconds", "kind", "clicked")).isNull();

        business.recordEvents(List.of(new BusinessEvent("r1", "clicked"), new BusinessEvent("r2", "purchased")));
        assertThat(value("vitals_business_events_total", "model", "m", "variant", "none", "kind", "clicked")).isEqualTo(1);
    }

    @Test
    void requestsAreForgottenAfterTheirTtlOrWhenTheMapIsFull() {
        BusinessMetrics small = BusinessMetrics.builder().salt(SALT).clock(clock::get)
                .requestTtl(Duration.ofMinutes(10)).maxTrackedRequests(2)
                .register(registry = new PrometheusRegistry());
        small.recordRequest(BusinessRequest.builder("r1").build());
        advance(Duration.ofMinutes(9));
        small.recordRequest(BusinessRequest.builder("r2").build());
        small.recordEvent("r1", "clicked"); // 9 min old: fine
        advance(Duration.ofMinutes(1));
        assertThatThrownBy(() -> small.recordEvent("r1", "clicked")).hasMessage("unknown request id \"r1\"");
        small.recordEvent("r2", "clicked");

        small.recordRequest(BusinessRequest.builder("r3").build());
        small.recordRequest(BusinessRequest.builder("r4").build()); // r2, r3, r4 > 2: r2 goes
        assertThatThrownBy(() -> small.recordEvent("r2", "clicked")).hasMessage("unknown request id \"r2\"");
        small.recordEvent("r4", "clicked");
        assertThat(value("vitals_business_requests_evicted_total")).isEqualTo(1);
    }

    // ---- label bounds and builder -------------------------------------------------------------

    @Test
    void modelsAndVariantsAreCapped() {
        BusinessMetrics capped = BusinessMetrics.builder().salt(SALT).clock(clock::get).maxModels(1).maxVariants(2)
                .register(registry = new PrometheusRegistry());
        capped.recordRequest(BusinessRequest.builder("r1").user("u").model("m1").variant("a").build());
        capped.recordRequest(BusinessRequest.builder("r2").user("u").model("m2").variant("b").build());
        capped.recordRequest(BusinessRequest.builder("r3").user("u").model("m1").variant("c").build());

        assertThat(value("vitals_business_requests_total", "model", "m1", "variant", "a")).isEqualTo(1);
        assertThat(value("vitals_business_requests_total", "model", "__overflow__", "variant", "b")).isEqualTo(1);
        assertThat(value("vitals_business_requests_total", "model", "m1", "variant", "__overflow__")).isEqualTo(1);
        assertThat(value("vitals_unique_users", "model", "__overflow__", "window", "1h")).isEqualTo(1);
        assertThat(value("vitals_business_label_overflow_total", "label", "model")).isEqualTo(1);
        assertThat(value("vitals_business_label_overflow_total", "label", "variant")).isEqualTo(1);
    }

    @Test
    void anonymousRequestsCountButHaveNoUsersOrSessions() {
        request("r1", null, null, null, null);
        assertThat(value("vitals_business_requests_total", "model", "unknown", "variant", "none")).isEqualTo(1);
        assertThat(value("vitals_unique_users", "model", "__all__", "window", "1h")).isZero();
        assertThat(value("vitals_sessions_active")).isZero();
        business.recordEvent("r1", "clicked");
        assertThat(value("vitals_conversion_ratio", "model", "unknown", "variant", "none", "kind", "clicked")).isEqualTo(1);
    }

    @Test
    void builderRejectsBadValuesWithExactMessages() {
        assertThatThrownBy(() -> BusinessMetrics.builder().salt(new byte[8]))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("salt must be at least 16 bytes, got 8");
        assertThatThrownBy(() -> BusinessMetrics.builder().eventKinds())
                .isInstanceOf(IllegalArgumentException.class).hasMessage("eventKinds must not be empty");
        assertThatThrownBy(() -> BusinessMetrics.builder().eventKinds("Clicked"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("event kind must match [a-z][a-z0-9_]{0,63}, got \"Clicked\"");
        assertThatThrownBy(() -> BusinessMetrics.builder().eventKinds("a", "a"))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("duplicate event kind \"a\"");
        String[] many = new String[33];
        for (int i = 0; i < many.length; i++) {
            many[i] = "k" + i;
        }
        assertThatThrownBy(() -> BusinessMetrics.builder().eventKinds(many))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("eventKinds must hold at most 32 kinds, got 33");
        assertThatThrownBy(() -> BusinessMetrics.builder().timeToValueKinds("nope").register(new PrometheusRegistry()))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeToValueKinds: \"nope\" is not an event kind");
        assertThatThrownBy(() -> BusinessMetrics.builder().sessionIdleTimeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sessionIdleTimeout must be a positive duration, got PT0S");
        assertThatThrownBy(() -> BusinessMetrics.builder().maxSessions(0))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("maxSessions must be >= 1, got 0");
        assertThatThrownBy(() -> BusinessMetrics.builder().sketchLgK(20))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("sketchLgK must be in [4, 16], got 20");
        assertThatThrownBy(() -> BusinessRequest.builder(null).build())
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("requestId must not be null");
        assertThatThrownBy(() -> BusinessRequest.builder("").build())
                .isExactlyInstanceOf(IllegalArgumentException.class).hasMessage("requestId must be a non-empty string");
        assertThatThrownBy(() -> new BusinessEvent("r1", ""))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("kind must be a non-empty string");
    }

    // ---- events a server attributed and stored itself -----------------------------------------

    @Test
    void attributedEventsCountAndSavedCountsRestoreIntoAFreshInstance() {
        request("r-1", "alice", null, "gpt-4o-mini", "b");
        request("r-2", "bob", null, "gpt-4o-mini", "b");
        advance(Duration.ofSeconds(30));
        BusinessMetrics.Attribution a = business.attribution("r-1");
        assertThat(a).isEqualTo(new BusinessMetrics.Attribution("gpt-4o-mini", "b", 30.0));
        assertThat(business.attribution("r-unknown")).isNull();
        assertThatThrownBy(() -> business.checkKind("liked")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown event kind \"liked\"");
        business.countEvent(a.model(), a.variant(), "purchased", true, a.secondsSinceRequest());
        business.countEvent(a.model(), a.variant(), "purchased", false, Double.NaN); // a repeat: no second conversion
        business.countEvent("gpt-4o-mini", "unknown", "clicked", true, 5); // another replica's call
        assertThat(value("vitals_business_events_total", "kind", "purchased", "model", "gpt-4o-mini", "variant", "b")).isEqualTo(2);
        assertThat(value("vitals_conversions_total", "kind", "purchased", "model", "gpt-4o-mini", "variant", "b")).isEqualTo(1);
        assertThat(value("vitals_conversion_ratio", "kind", "purchased", "model", "gpt-4o-mini", "variant", "b")).isEqualTo(0.5);
        assertThat(histogram("vitals_time_to_value_seconds", "kind", "purchased").getCount()).isEqualTo(1);

        PrometheusRegistry fresh = new PrometheusRegistry();
        BusinessMetrics restored = BusinessMetrics.builder().salt(SALT).clock(clock::get).register(fresh);
        restored.restoreCounts(business.counts());
        registry = fresh;
        assertThat(value("vitals_business_events_total", "kind", "purchased", "model", "gpt-4o-mini", "variant", "b")).isEqualTo(2);
        assertThat(value("vitals_conversions_total", "kind", "purchased", "model", "gpt-4o-mini", "variant", "b")).isEqualTo(1);
        assertThat(value("vitals_conversions_total", "kind", "clicked", "model", "gpt-4o-mini", "variant", "unknown")).isEqualTo(1);
        assertThat(value("vitals_conversion_ratio", "kind", "purchased", "model", "gpt-4o-mini", "variant", "b")).isEqualTo(0.5);
        assertThat(point("vitals_business_requests_total", "model", "gpt-4o-mini", "variant", "b"))
                .as("requests are not stored: their counter restarts at zero").isNull();
        assertThat(restored.counts()).isEqualTo(business.counts());
    }
}
