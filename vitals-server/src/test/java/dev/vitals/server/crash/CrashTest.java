package dev.vitals.server.crash;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16 point 6: a real server process with the default SQLite store, driven concurrently (API keys,
 * gateway calls with spend, feedback and a business event right after each call, evaluation batches,
 * uploaded drift features), SIGKILLed at seeded
 * random moments, restarted on the same store; after every restart every acknowledged item is there and
 * counted once, re-sent items are duplicates, and the call rows lost are only those answered within the
 * batching window before the kill.
 */
@Timeout(600)
class CrashTest {
    static final String ADMIN = "crash-test-admin-token";
    static final long SEED = Long.getLong("vitals.crash.seed", 16);
    static final int ROUNDS = 5;
    static final String MODEL = "mock-llm-v1";
    static final String EVAL_MODEL = "crash-eval";
    static final String FEATURE_MODEL = "crash-features";
    static final int FEATURE_BATCH = 10;

    @TempDir
    Path dir;

    record Answered(String requestId, long atNanos) {
    }

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final Set<String> keys = ConcurrentHashMap.newKeySet();
    private final Map<String, String> feedback = new ConcurrentHashMap<>(); // id -> body, acknowledged
    private final Map<String, Integer> feedbackCode = new ConcurrentHashMap<>();
    /** Every feedback sent: one whose answer the kill cut off may be stored or not, but once at most. */
    private final Set<String> feedbackSent = ConcurrentHashMap.newKeySet();
    private final ConcurrentLinkedQueue<Answered> calls = new ConcurrentLinkedQueue<>();
    private final AtomicLong evalRecords = new AtomicLong();
    /** Request ids whose one "purchased" event was answered 200 (counted) or 202 (stored, waiting for its call's row). */
    private final Set<String> events200 = ConcurrentHashMap.newKeySet();
    private final Set<String> events202 = ConcurrentHashMap.newKeySet();
    private final AtomicLong eventsSent = new AtomicLong();
    /** Events re-sent after a restart and answered 200: each counts as an event again, never as a second conversion. */
    private final AtomicLong eventsResent = new AtomicLong();
    private final AtomicLong featureRecords = new AtomicLong();
    private final AtomicLong featureRecordsSent = new AtomicLong();
    /** Predictions with features (POST /v1/predictions): their features feed the model's drift window. */
    private final AtomicLong predictionRecords = new AtomicLong();
    private final AtomicLong predictionRecordsSent = new AtomicLong();
    static final String PREDICTION_MODEL = "crash-predictions";

    private HttpResponse<String> send(int port, String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        if (bearer != null) {
            b.header("authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Path config() throws Exception {
        Path cfg = dir.resolve("vitals.yaml");
        Files.writeString(cfg, String.join("\n",
                "server:", "  host: 127.0.0.1", "  port: 0", "  instances: 2",
                "store:", "  path: " + dir.resolve("data/vitals.db"),
                "auth:", "  enabled: true",
                "drift:", "  evaluateSeconds: 1", "  windowMinutes: 1440",
                "system:", "  enabled: false", "gpu:", "  enabled: false", ""));
        return cfg;
    }

    @Test
    void everyAcknowledgedItemSurvivesSigkillAndIsCountedOnce() throws Exception {
        Path cfg = config();
        Map<String, String> env = Map.of("VITALS_ADMIN_TOKEN", ADMIN);
        String[] fast = {"--latency-min", "0.001", "--latency-max", "0.004"};
        Random random = new Random(SEED);
        ChildServer server = ChildServer.start(cfg, env, fast);
        long maxLostWindowMs = 0;
        int lostCalls = 0;
        Map<String, Long> killedAt = new ConcurrentHashMap<>();
        try {
            HttpResponse<String> k = send(server.port(), "POST", "/admin/keys", new JsonObject().put("name", "crash-caller").encode(), ADMIN);
            assertThat(k.statusCode()).as(k.body()).isEqualTo(201);
            String callerKey = new JsonObject(k.body()).getString("key");
            String callerId = new JsonObject(k.body()).getString("id");
            keys.add(callerId);
            HttpResponse<String> ref = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/admin/drift/reference?model=" + FEATURE_MODEL)).header("authorization", "Bearer " + ADMIN)
                    .header("content-type", "text/csv").POST(HttpRequest.BodyPublishers.ofString("x,tier\n1,a\n2,b\n3,a\n4,b\n"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(ref.statusCode()).as(ref.body()).isEqualTo(200);
            HttpResponse<String> predRef = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port()
                    + "/admin/drift/reference?model=" + PREDICTION_MODEL)).header("authorization", "Bearer " + ADMIN)
                    .header("content-type", "text/csv").POST(HttpRequest.BodyPublishers.ofString("y,prediction\n0.1,1\n-0.2,0\n"))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(predRef.statusCode()).as(predRef.body()).isEqualTo(200);
            double spentBefore = 0;
            for (int round = 0; round < ROUNDS; round++) {
                int port = server.port();
                AtomicBoolean stop = new AtomicBoolean();
                List<Thread> threads = new ArrayList<>();
                Map<Long, Double> spendSeen = new ConcurrentHashMap<>(); // nanos -> the key's spent as /admin/keys showed it
                int r = round;
                for (int t = 0; t < 3; t++) {
                    int tn = t;
                    threads.add(new Thread(() -> {
                        int n = 0;
                        while (!stop.get()) {
                            try {
                                HttpResponse<String> c = send(port, "POST", "/v1/chat/completions", new JsonObject().put("model", MODEL)
                                        .put("messages", new JsonArray().add(new JsonObject().put("role", "user").put("content", "hi")))
                                        .encode(), callerKey);
                                if (c.statusCode() != 200) {
                                    continue;
                                }
                                String id = c.headers().firstValue("x-request-id").orElseThrow();
                                calls.add(new Answered(id, System.nanoTime()));
                                // feedback at once, as a client that rates every answer
                                String fid = "fb-" + r + "-" + tn + "-" + n++;
                                String body = new JsonObject().put("request_id", id).put("feedback_id", fid).put("score", new JsonObject()
                                        .put("name", "helpfulness").put("value", n % 5 + 1).put("source", "human")).encode();
                                feedbackSent.add(fid);
                                HttpResponse<String> f = send(port, "POST", "/v1/feedback", body, callerKey);
                                if (f.statusCode() / 100 == 2) {
                                    feedback.put(fid, body);
                                    feedbackCode.put(fid, f.statusCode());
                                }
                                // and the purchase the answer led to
                                eventsSent.incrementAndGet();
                                HttpResponse<String> ev = send(port, "POST", "/v1/events", new JsonObject().put("request_id", id)
                                        .put("kind", "purchased").encode(), callerKey);
                                if (ev.statusCode() == 200) {
                                    events200.add(id);
                                } else if (ev.statusCode() == 202) {
                                    events202.add(id);
                                }
                            } catch (Exception e) {
                                // killed: not acknowledged
                            }
                        }
                    }));
                }
                threads.add(new Thread(() -> {
                    while (!stop.get()) {
                        JsonArray recs = new JsonArray();
                        for (int i = 0; i < 20; i++) {
                            recs.add(new JsonObject().put("model", EVAL_MODEL).put("predicted", i * 0.5).put("actual", i * 0.5 + 1));
                        }
                        try {
                            HttpResponse<String> e = send(port, "POST", "/v1/evaluations", new JsonObject().put("records", recs).encode(), callerKey);
                            if (e.statusCode() == 200) {
                                evalRecords.addAndGet(20);
                            }
                        } catch (Exception e) {
                            // killed
                        }
                    }
                }));
                threads.add(new Thread(() -> {
                    Random values = new Random(SEED + r);
                    while (!stop.get()) {
                        JsonArray recs = new JsonArray();
                        for (int i = 0; i < FEATURE_BATCH; i++) {
                            recs.add(new JsonObject().put("x", values.nextGaussian()).put("tier", values.nextBoolean() ? "a" : "b"));
                        }
                        try {
                            featureRecordsSent.addAndGet(FEATURE_BATCH);
                            HttpResponse<String> e = send(port, "POST", "/v1/features", new JsonObject().put("model", FEATURE_MODEL)
                                    .put("records", recs).encode(), callerKey);
                            if (e.statusCode() == 200) {
                                featureRecords.addAndGet(FEATURE_BATCH);
                            }
                        } catch (Exception e) {
                            // killed
                        }
                    }
                }));
                threads.add(new Thread(() -> {
                    Random values = new Random(SEED * 31 + r);
                    int n = 0;
                    while (!stop.get()) {
                        JsonArray recs = new JsonArray();
                        for (int i = 0; i < FEATURE_BATCH; i++) {
                            recs.add(new JsonObject().put("model", PREDICTION_MODEL).put("id", "p-" + r + "-" + n++)
                                    .put("predicted", values.nextBoolean() ? 1 : 0)
                                    .put("features", new JsonObject().put("y", values.nextGaussian())));
                        }
                        try {
                            predictionRecordsSent.addAndGet(FEATURE_BATCH);
                            HttpResponse<String> e = send(port, "POST", "/v1/predictions", new JsonObject().put("records", recs).encode(), callerKey);
                            if (e.statusCode() == 200) {
                                predictionRecords.addAndGet(FEATURE_BATCH);
                            }
                        } catch (Exception e) {
                            // killed
                        }
                    }
                }));
                threads.add(new Thread(() -> {
                    int n = 0;
                    while (!stop.get()) {
                        try {
                            HttpResponse<String> c = send(port, "POST", "/admin/keys", new JsonObject().put("name", "k-" + r + "-" + n++).encode(), ADMIN);
                            if (c.statusCode() == 201) {
                                keys.add(new JsonObject(c.body()).getString("id"));
                            }
                            HttpResponse<String> l = send(port, "GET", "/admin/keys", null, ADMIN);
                            for (Object o : new JsonObject(l.body()).getJsonArray("keys")) {
                                JsonObject key = (JsonObject) o;
                                if (key.getString("id").equals(callerId)) {
                                    spendSeen.put(System.nanoTime(), key.getDouble("spent_usd"));
                                }
                            }
                            Thread.sleep(20);
                        } catch (Exception e) {
                            // killed
                        }
                    }
                }));
                threads.forEach(Thread::start);
                long runMs = 1_000 + random.nextInt(2_500);
                Thread.sleep(runMs);
                long kill = System.nanoTime();
                server.kill();
                stop.set(true);
                for (Thread t : threads) {
                    t.join(30_000);
                }
                for (Answered a : calls) {
                    killedAt.putIfAbsent(a.requestId(), kill);
                }
                // the spend shown at least a second before the kill must have been stored
                double mustHave = spendSeen.entrySet().stream().filter(e -> kill - e.getKey() > 1_000_000_000L)
                        .mapToDouble(Map.Entry::getValue).max().orElse(spentBefore);

                long t0 = System.nanoTime();
                server = ChildServer.start(cfg, env, fast);
                System.out.printf("round %d: restarted in %d ms%n", round, (System.nanoTime() - t0) / 1_000_000);
                verify(server.port(), callerKey, callerId, mustHave, round, runMs);
                spentBefore = mustHave;
            }
            // call rows: only those answered just before a kill may be missing
            Set<String> stored = new HashSet<>();
            try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/vitals.db"));
                 Statement st = c.createStatement(); ResultSet rs = st.executeQuery("SELECT request_id FROM calls")) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
            for (Answered a : calls) {
                if (!stored.contains(a.requestId())) {
                    lostCalls++;
                    maxLostWindowMs = Math.max(maxLostWindowMs, (killedAt.get(a.requestId()) - a.atNanos()) / 1_000_000);
                }
            }
            System.out.printf("crash test (seed %d): %d kills; acknowledged: %d keys, %d calls, %d feedback, %d evaluation records, "
                    + "%d business events (%d waiting for their call), %d feature records; call rows lost: %d (answered at most %d ms "
                    + "before a kill)%n", SEED, ROUNDS, keys.size(), calls.size(), feedback.size(), evalRecords.get(),
                    events200.size() + events202.size(), events202.size(), featureRecords.get(), lostCalls, maxLostWindowMs);
            assertThat(maxLostWindowMs).as("call rows are written every store.callFlushMillis (100 ms) plus one commit")
                    .isLessThan(1_000);
            assertThat(feedback).hasSizeGreaterThan(50);
            assertThat(evalRecords.get()).isGreaterThan(100);
            assertThat(events200).hasSizeGreaterThan(50);
            assertThat(featureRecords.get()).isGreaterThan(100);
            assertThat(predictionRecords.get()).isGreaterThan(100);
        } finally {
            server.stop();
        }
    }

    private void verify(int port, String callerKey, String callerId, double mustHaveSpend, int round, long runMs) throws Exception {
        // API keys: every created key is there
        JsonArray listed = new JsonObject(send(port, "GET", "/admin/keys", null, ADMIN).body()).getJsonArray("keys");
        Set<String> ids = new HashSet<>();
        double spent = 0;
        for (Object o : listed) {
            ids.add(((JsonObject) o).getString("id"));
            if (((JsonObject) o).getString("id").equals(callerId)) {
                spent = ((JsonObject) o).getDouble("spent_usd");
            }
        }
        assertThat(ids).as("round %d: keys", round).containsAll(keys);
        assertThat(spent).as("round %d: spend stored before the kill", round).isGreaterThanOrEqualTo(mustHaveSpend - 1e-9);

        Thread.sleep(1_500); // pending feedback whose call row was stored joins within the sweeper's 500 ms
        // feedback: every acknowledged one is stored (read from the database itself); those answered 200 with their
        // scores; the scores counted are exactly the stored feedback rows (a feedback whose answer the kill cut off
        // may be stored or not, but never twice)
        Set<String> stored = new HashSet<>();
        Set<String> parked = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/vitals.db"));
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT feedback_id FROM feedback")) {
                while (rs.next()) {
                    stored.add(rs.getString(1));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT item_id FROM pending_joins WHERE kind = 'feedback'")) {
                while (rs.next()) {
                    parked.add(rs.getString(1));
                }
            }
        }
        for (Map.Entry<String, Integer> e : feedbackCode.entrySet()) {
            if (e.getValue() == 200) {
                assertThat(stored).as("round %d: feedback %s answered 200", round, e.getKey()).contains(e.getKey());
            } else {
                assertThat(stored.contains(e.getKey()) || parked.contains(e.getKey()))
                        .as("round %d: feedback %s answered 202", round, e.getKey()).isTrue();
            }
        }
        int applied = stored.size();
        int checked = 0;
        for (String id : feedback.keySet()) { // and the API says so
            if (checked++ == 10) {
                break;
            }
            HttpResponse<String> s = send(port, "GET", "/v1/feedback?feedback_id=" + id, null, callerKey);
            assertThat(s.statusCode()).as(s.body()).isEqualTo(200);
            assertThat(new JsonObject(s.body()).getString("status")).isIn("ok", "pending", "unknown_call");
        }
        assertThat(scoreCount(port, callerKey)).as("round %d: feedback scores counted once", round).isEqualTo(applied);
        // re-sent after the crash: duplicates, counted once
        int resent = 0;
        for (Map.Entry<String, String> e : feedback.entrySet()) {
            if (resent++ == 20) {
                break;
            }
            HttpResponse<String> again = send(port, "POST", "/v1/feedback", e.getValue(), callerKey);
            assertThat(again.statusCode() / 100).as(again.body()).isEqualTo(2);
            assertThat(new JsonObject(again.body()).getBoolean("duplicate")).as(again.body()).isTrue();
        }
        assertThat(scoreCount(port, callerKey)).isEqualTo(applied);
        // evaluation records: all of them
        HttpResponse<String> q = send(port, "GET", "/v1/quality?model=" + EVAL_MODEL + "&window=24h", null, callerKey);
        long evalCount = q.statusCode() == 404 ? 0 : new JsonObject(q.body()).getJsonObject("regression").getLong("count");
        // at least every acknowledged batch; at most one more per kill (stored, its answer cut off by the kill)
        assertThat(evalCount).as("round %d: evaluation records", round).isBetween(evalRecords.get(), evalRecords.get() + 20L * (round + 1));
        System.out.printf("round %d: killed after %d ms; %d keys, %d feedback (%d applied), %d evaluation records, spend %.6f >= %.6f%n",
                round, runMs, keys.size(), feedback.size(), applied, evalCount, spent, mustHaveSpend);
        verifyEvents(port, callerKey, round);
        verifyWindow(port, callerKey, round, FEATURE_MODEL, "x", featureRecords, featureRecordsSent);
        verifyWindow(port, callerKey, round, PREDICTION_MODEL, "y", predictionRecords, predictionRecordsSent);
    }

    /**
     * Business events: every acknowledged one is stored (its conversion row, or still pending when its call's row
     * was lost in the kill window), the conversions counted are exactly the stored ones (once per request, re-sent
     * or not), and the event counter continues across the kills: at least every acknowledged event, at most every sent one.
     */
    private void verifyEvents(int port, String callerKey, int round) throws Exception {
        assertThat(counter(port, "vitals_business_events_total")).as("round %d: acknowledged events counted after the restart", round)
                .isGreaterThanOrEqualTo(events200.size() + eventsResent.get());
        Set<String> converted = new HashSet<>();
        Set<String> waiting = new HashSet<>();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("data/vitals.db"));
             Statement st = c.createStatement()) {
            try (ResultSet rs = st.executeQuery("SELECT request_id FROM business_conversions WHERE kind = 'purchased'")) {
                while (rs.next()) {
                    converted.add(rs.getString(1));
                }
            }
            try (ResultSet rs = st.executeQuery("SELECT join_key FROM pending_joins WHERE kind = 'business_event' AND state = 'pending'")) {
                while (rs.next()) {
                    waiting.add(rs.getString(1));
                }
            }
        }
        for (String id : events200) {
            assertThat(converted).as("round %d: event for %s answered 200", round, id).contains(id);
        }
        for (String id : events202) {
            assertThat(converted.contains(id) || waiting.contains(id)).as("round %d: event for %s answered 202", round, id).isTrue();
        }
        assertThat(counter(port, "vitals_conversions_total")).as("round %d: conversions counted once", round).isEqualTo(converted.size());
        long joined = events202.stream().filter(converted::contains).count();
        double events = counter(port, "vitals_business_events_total");
        assertThat(events).as("round %d: events counted", round)
                .isBetween((double) events200.size() + joined + eventsResent.get(), (double) eventsSent.get() + eventsResent.get());
        // re-sent after the crash: another event each, the same conversions
        int resent = 0;
        for (String id : events200) {
            if (resent++ == 20) {
                break;
            }
            HttpResponse<String> again = send(port, "POST", "/v1/events", new JsonObject().put("request_id", id).put("kind", "purchased")
                    .encode(), callerKey);
            assertThat(again.statusCode()).as(again.body()).isIn(200, 202);
            if (again.statusCode() == 200) {
                eventsResent.incrementAndGet();
            }
        }
        assertThat(counter(port, "vitals_conversions_total")).as("round %d: re-sent events convert nothing", round)
                .isEqualTo(converted.size());
        System.out.printf("round %d: %d business events acknowledged (%d waiting), %.0f counted, %d conversions%n", round,
                events200.size() + events202.size(), events202.size(), events, converted.size());
    }

    /**
     * Uploaded features and predictions' features: the running window after the restart holds every acknowledged
     * record, and no batch twice.
     */
    private void verifyWindow(int port, String callerKey, int round, String model, String feature, AtomicLong acknowledged,
                              AtomicLong sent) throws Exception {
        long count = -1;
        long deadline = System.nanoTime() + 10_000_000_000L; // drift evaluates every second
        while (System.nanoTime() < deadline) {
            HttpResponse<String> d = send(port, "GET", "/v1/drift?model=" + model + "&scope=replica", null, callerKey);
            if (d.statusCode() == 200) {
                for (Object o : new JsonObject(d.body()).getJsonArray("features")) {
                    if (((JsonObject) o).getString("feature").equals(feature)) {
                        count = ((JsonObject) o).getLong("current_count");
                    }
                }
            }
            if (count >= acknowledged.get()) {
                break;
            }
            Thread.sleep(200);
        }
        // at most one more batch per kill: stored, its answer cut off by the kill
        assertThat(count).as("round %d: %s records in %s's window", round, feature, model)
                .isBetween(acknowledged.get(), Math.min(sent.get(), acknowledged.get() + (long) FEATURE_BATCH * (round + 1)));
        System.out.printf("round %d: %d %s records acknowledged, %d in the window%n", round, acknowledged.get(), model, count);
    }

    /** The sum of a counter's purchased series on /metrics. */
    private double counter(int port, String name) throws Exception {
        double sum = 0;
        for (String line : send(port, "GET", "/metrics", null, null).body().split("\n")) {
            if (line.startsWith(name + "{") && line.contains("kind=\"purchased\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    private long scoreCount(int port, String key) throws Exception {
        HttpResponse<String> q = send(port, "GET", "/v1/quality?model=" + MODEL + "&window=24h", null, key);
        if (q.statusCode() == 404) {
            return 0;
        }
        for (Object o : new JsonObject(q.body()).getJsonObject("scores").getJsonArray("scores")) {
            JsonObject s = (JsonObject) o;
            if (s.getString("name").equals("helpfulness")) {
                return s.getLong("count");
            }
        }
        return 0;
    }
}
