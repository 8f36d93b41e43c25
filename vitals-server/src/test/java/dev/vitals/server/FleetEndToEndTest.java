package dev.vitals.server;

import dev.vitals.server.store.PgCluster;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * A fleet: three real Vitals replicas on one real PostgreSQL (a throwaway cluster, {@link PgCluster}).
 * Traffic goes round-robin to them; every call's feedback goes to a replica other than the one that
 * served it and must join through the shared {@code calls} table; a key created on one replica's admin
 * API works on the others (and stops working everywhere when revoked) within {@code auth.reloadSeconds}.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FleetEndToEndTest {
    static final String ADMIN = "admin-token-0123456789abcdef";
    static final String MODEL = "mock-llm-v1";
    static final int CALLS = 30;

    private PgCluster pg;
    private String url;
    private final List<ServerFixture> replicas = new ArrayList<>();

    @BeforeAll
    void startFleet() throws Exception {
        pg = PgCluster.start();
        url = pg.createDatabase();
        Map<String, String> env = Map.of("VITALS_ADMIN_TOKEN", ADMIN, "VITALS_DB_USER", "postgres");
        for (int i = 0; i < 3; i++) {
            replicas.add(ServerFixture.start(cfg -> {
                QualityHttp.fast(cfg);
                cfg.store.jdbcUrl = url;
                cfg.store.userEnv = "VITALS_DB_USER";
                cfg.store.maxPoolSize = 3;
                cfg.auth.enabled = true;
                cfg.auth.reloadSeconds = 1;
            }, env));
        }
    }

    @AfterAll
    void stopFleet() throws Exception {
        for (ServerFixture f : replicas) {
            f.close();
        }
        if (pg != null) {
            pg.close();
        }
    }

    private static HttpResponse<String> send(ServerFixture f, String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(f.uri(path)).header("content-type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (bearer != null) {
            b.header("authorization", "Bearer " + bearer);
        }
        return f.http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> chat(ServerFixture f, String key) throws Exception {
        return send(f, "POST", "/v1/chat/completions", new JsonObject().put("model", MODEL).put("messages", new JsonArray()
                .add(new JsonObject().put("role", "user").put("content", "hello fleet"))).encode(), key);
    }

    private static JsonObject createKey(ServerFixture f, String name) throws Exception {
        HttpResponse<String> r = send(f, "POST", "/admin/keys", new JsonObject().put("name", name).encode(), ADMIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(201);
        return new JsonObject(r.body());
    }

    /** Polls until {@code f} answers a chat with {@code key} with {@code status}; returns the ms it took. */
    private static long awaitChatStatus(ServerFixture f, String key, int status) throws Exception {
        long t0 = System.nanoTime();
        long deadline = t0 + TimeUnit.SECONDS.toNanos(10);
        int last;
        do {
            last = chat(f, key).statusCode();
            if (last == status) {
                return (System.nanoTime() - t0) / 1_000_000;
            }
            Thread.sleep(100);
        } while (System.nanoTime() < deadline);
        throw new AssertionError("replica on :" + f.server.port() + " still answers " + last + ", not " + status);
    }

    @Test
    void aKeyCreatedOnOneReplicaWorksOnTheOthersAndItsRevocationReachesThemToo() throws Exception {
        ServerFixture a = replicas.get(0);
        JsonObject k = createKey(a, "fleet-key-" + System.nanoTime());
        String key = k.getString("key");
        assertThat(chat(a, key).statusCode()).isEqualTo(200); // at once on the replica that created it
        for (ServerFixture other : replicas.subList(1, 3)) {
            assertThat(awaitChatStatus(other, key, 200)).isLessThan(3_000); // reloadSeconds = 1
        }
        assertThat(chat(replicas.get(1), "vk_0123456789abcdef_" + "0".repeat(64)).statusCode()).isEqualTo(401);

        HttpResponse<String> del = send(replicas.get(2), "DELETE", "/admin/keys/" + k.getString("id"), null, ADMIN);
        assertThat(del.statusCode()).as(del.body()).isEqualTo(200);
        assertThat(chat(replicas.get(2), key).statusCode()).isEqualTo(401);
        for (ServerFixture other : replicas.subList(0, 2)) {
            assertThat(awaitChatStatus(other, key, 401)).isLessThan(3_000);
        }
    }

    @Test
    void roundRobinTrafficWithFeedbackToAnotherReplicaJoinsThroughTheSharedStore() throws Exception {
        // one key, created on replica 0 and waited for on the others
        String key = createKey(replicas.get(0), "traffic-" + System.nanoTime()).getString("key");
        for (ServerFixture f : replicas) {
            awaitChatStatus(f, key, 200);
        }
        double[] before = new double[3];
        for (int i = 0; i < 3; i++) {
            before[i] = replicas.get(i).metrics().get("llm_requests_total{model_name=\"" + MODEL + "\",status=\"success\"}");
        }
        List<String> ids = new ArrayList<>();
        for (int i = 0; i < CALLS; i++) {
            HttpResponse<String> r = chat(replicas.get(i % 3), key);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            ids.add(r.headers().firstValue("x-request-id").orElseThrow());
        }
        assertThat(ids).doesNotHaveDuplicates();

        // feedback to the next replica at once, before the serving replica wrote the call's row: accepted (2xx),
        // applied at once (200) or stored as pending (202) and joined when the row arrives
        long t0 = System.nanoTime();
        int pending = 0;
        for (int i = 0; i < CALLS; i++) {
            ServerFixture other = replicas.get((i + 1) % 3);
            String body = new JsonObject().put("request_id", ids.get(i)).put("feedback_id", "fb-" + ids.get(i))
                    .put("score", new JsonObject().put("name", "helpfulness").put("value", i % 5 + 1).put("source", "human")).encode();
            HttpResponse<String> r = send(other, "POST", "/v1/feedback", body, key);
            assertThat(r.statusCode()).as("feedback %d on another replica: %s", i, r.body()).isIn(200, 202);
            assertThat(new JsonObject(r.body()).getBoolean("duplicate")).isFalse();
            pending += r.statusCode() == 202 ? 1 : 0;
        }
        // every one joins, on some replica; then the same feedback again, on a third replica, is a duplicate
        for (int i = 0; i < CALLS; i++) {
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
            String status;
            while (!(status = new JsonObject(send(replicas.get(i % 3), "GET", "/v1/feedback?feedback_id=fb-" + ids.get(i), null, key)
                    .body()).getString("status")).equals("ok") && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(status).as("feedback %d joined", i).isEqualTo("ok");
            String body = new JsonObject().put("request_id", ids.get(i)).put("feedback_id", "fb-" + ids.get(i))
                    .put("score", new JsonObject().put("name", "helpfulness").put("value", i % 5 + 1).put("source", "human")).encode();
            HttpResponse<String> again = send(replicas.get((i + 2) % 3), "POST", "/v1/feedback", body, key);
            assertThat(again.statusCode()).as(again.body()).isEqualTo(200);
            assertThat(new JsonObject(again.body()).getBoolean("duplicate")).isTrue();
        }
        System.out.printf("fleet: %d feedbacks sent to another replica right after the call, %d of them before its row "
                + "(pending, then joined); all joined in %d ms%n", CALLS, pending, (System.nanoTime() - t0) / 1_000_000);

        // each replica counted exactly the calls it served; the fleet total is what was sent
        double total = 0;
        for (int i = 0; i < 3; i++) {
            double d = replicas.get(i).metrics().get("llm_requests_total{model_name=\"" + MODEL + "\",status=\"success\"}") - before[i];
            assertThat(d).as("replica %d", i).isEqualTo(CALLS / 3.0);
            total += d;
        }
        assertThat(total).isEqualTo(CALLS);

        // the store: one calls row and one feedback row per call; what a call costs there
        try (Connection c = DriverManager.getConnection(url, "postgres", "")) {
            PreparedStatement ps = c.prepareStatement("SELECT count(*), avg(pg_column_size(calls.*)) FROM calls WHERE request_id = ANY (?)");
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            ResultSet rs = ps.executeQuery();
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(CALLS);
            double rowBytes = rs.getDouble(2);
            ps = c.prepareStatement("SELECT count(*) FROM feedback WHERE request_id = ANY (?)");
            ps.setArray(1, c.createArrayOf("text", ids.toArray()));
            rs = ps.executeQuery();
            rs.next();
            assertThat(rs.getInt(1)).isEqualTo(CALLS);
            rs = c.createStatement().executeQuery("SELECT (SELECT count(*) FROM calls), pg_total_relation_size('calls')");
            rs.next();
            System.out.printf("fleet: calls rows %d, row %.0f bytes, table+indexes %d bytes (%.0f bytes per call incl. pages and indexes)%n",
                    rs.getLong(1), rowBytes, rs.getLong(2), rs.getLong(2) / (double) rs.getLong(1));
            assertThat(rowBytes).isBetween(40.0, 200.0);
        }
    }

    @Test
    void qualityOnAnyReplicaIsTheFleetsAndSaysWhichReplicasItCovers() throws Exception {
        String key = createKey(replicas.get(0), "fleet-quality").getString("key");
        // 6 records on replica 0 (4 right), 4 on replica 1 (1 right): 10 records, accuracy 0.5 fleet-wide
        JsonArray a = new JsonArray();
        for (int i = 0; i < 6; i++) {
            a.add(new JsonObject().put("model", "fleet-clf").put("predicted", "yes").put("actual", i < 4 ? "yes" : "no"));
        }
        JsonArray b = new JsonArray();
        for (int i = 0; i < 4; i++) {
            b.add(new JsonObject().put("model", "fleet-clf").put("predicted", "no").put("actual", i < 1 ? "no" : "yes"));
        }
        for (ServerFixture f : replicas.subList(1, 3)) { // each reads with it below: wait for its key reload
            awaitChatStatus(f, key, 200);
        }
        assertThat(send(replicas.get(0), "POST", "/v1/evaluations", new JsonObject().put("records", a).encode(), key).statusCode()).isEqualTo(200);
        assertThat(send(replicas.get(1), "POST", "/v1/evaluations", new JsonObject().put("records", b).encode(), key).statusCode()).isEqualTo(200);
        // replicas save their windows every minute; save now instead of waiting
        replicas.get(0).server.quality().save();
        replicas.get(1).server.quality().save();
        for (ServerFixture f : replicas) {
            JsonObject r = new JsonObject(send(f, "GET", "/v1/quality?model=fleet-clf&window=5m", null, key).body());
            assertThat(r.getString("scope")).isEqualTo("fleet");
            assertThat(r.getJsonObject("classification").getLong("count")).as(r.encode()).isEqualTo(10);
            assertThat(r.getJsonObject("classification").getDouble("accuracy")).isEqualTo(0.5);
            assertThat(r.getJsonArray("replicas")).hasSize(2);
        }
        // a replica's own view is still there
        JsonObject own = new JsonObject(send(replicas.get(1), "GET", "/v1/quality?model=fleet-clf&window=5m&scope=replica", null, key).body());
        assertThat(own.getJsonObject("classification").getLong("count")).isEqualTo(4);
        assertThat(send(replicas.get(2), "GET", "/v1/quality?model=fleet-clf&window=5m&scope=replica", null, key).statusCode()).isEqualTo(404);
    }

    @Test
    void driftOnAnyReplicaMergesTheFleetsCurrentWindowsAgainstTheSharedReference() throws Exception {
        String key = createKey(replicas.get(0), "fleet-drift").getString("key");
        for (ServerFixture f : replicas.subList(1, 3)) { // each reads with it below: wait for its key reload
            awaitChatStatus(f, key, 200);
        }
        JsonArray ref = new JsonArray();
        for (int i = 0; i < 400; i++) {
            ref.add(new JsonObject().put("amount", 100 + (i % 20)));
        }
        assertThat(send(replicas.get(0), "POST", "/v1/features", new JsonObject().put("model", "fleet-drift").put("records", ref).encode(), key)
                .statusCode()).isEqualTo(200);
        // frozen on replica 0, shared through the store
        assertThat(send(replicas.get(0), "POST", "/admin/drift/reference?model=fleet-drift", null, ADMIN).statusCode()).isEqualTo(200);
        // current data: replica 0 sees the same distribution again, replica 1 a shifted one
        assertThat(send(replicas.get(0), "POST", "/v1/features", new JsonObject().put("model", "fleet-drift").put("records", ref).encode(), key)
                .statusCode()).isEqualTo(200);
        JsonArray shifted = new JsonArray();
        for (int i = 0; i < 1200; i++) {
            shifted.add(new JsonObject().put("amount", 300 + (i % 20)));
        }
        assertThat(send(replicas.get(1), "POST", "/v1/features", new JsonObject().put("model", "fleet-drift").put("records", shifted).encode(), key)
                .statusCode()).isEqualTo(200);
        replicas.get(0).server.drift().save();
        replicas.get(1).server.drift().save();
        // replica 2 served none of it: its answer covers the fleet (reading needs a key with auth on)
        JsonObject r = new JsonObject(send(replicas.get(2), "GET", "/v1/drift?model=fleet-drift", null, key).body());
        assertThat(r.getString("scope")).as(r.encode()).isEqualTo("fleet");
        assertThat(r.getJsonArray("replicas")).hasSize(2);
        JsonObject amount = r.getJsonArray("features").getJsonObject(0);
        assertThat(amount.getString("feature")).isEqualTo("amount");
        // the reference's 400 values were frozen from replica 0's window; the fleet's current window has
        // replica 0's 800 (the reference's 400 + 400 more) and replica 1's 1,200
        assertThat(amount.getLong("current_count")).isEqualTo(2000);
        assertThat(amount.getLong("reference_count")).isEqualTo(400);
        assertThat(amount.getBoolean("drifted")).isTrue();
        // the same data on one instance, exactly: the fleet's sketch-mode score is inside its stated interval
        double[] refValues = new double[400];
        double[] curValues = new double[2000];
        for (int i = 0; i < 400; i++) {
            refValues[i] = 100 + (i % 20);
            curValues[i] = 100 + (i % 20);
            curValues[400 + i] = 100 + (i % 20);
        }
        for (int i = 0; i < 1200; i++) {
            curValues[800 + i] = 300 + (i % 20);
        }
        var exact = dev.vitals.drift.DriftDetector.builder().test("amount", amount.getString("test")).build().compare(
                dev.vitals.drift.RawColumns.builder().numeric("amount", refValues).build(),
                dev.vitals.drift.RawColumns.builder().numeric("amount", curValues).build()).feature("amount");
        assertThat(exact.score()).isBetween(amount.getDouble("score_lower") - 1e-12, amount.getDouble("score_upper") + 1e-12);
        assertThat(exact.drifted()).isEqualTo(amount.getBoolean("drifted"));
        // replica 0 alone sees no drift
        JsonObject own = new JsonObject(send(replicas.get(0), "GET", "/v1/drift?model=fleet-drift&scope=replica", null, key).body());
        replicas.get(0).server.drift().evaluate();
        own = new JsonObject(send(replicas.get(0), "GET", "/v1/drift?model=fleet-drift&scope=replica", null, key).body());
        assertThat(own.getJsonArray("features")).as(own.encode()).hasSize(1);
        assertThat(own.getJsonArray("features").getJsonObject(0).getBoolean("drifted")).isFalse();
    }

    @Test
    void aRateLimitHoldsForTheFleetNotPerReplica() throws Exception {
        JsonObject created = new JsonObject(send(replicas.get(0), "POST", "/admin/keys",
                new JsonObject().put("name", "fleet-rate").put("rate_limit_per_minute", 60).encode(), ADMIN).body());
        String key = created.getString("key");
        int admitted = 0;
        for (ServerFixture f : replicas.subList(1, 3)) {
            awaitChatStatus(f, key, 200);
            admitted++;
        }
        // 20 s of calls spread over the three replicas. Each replica's token bucket alone would admit its
        // burst of 10 and then 1/s: about 3 × (10 + 20) = 90. The fleet-wide sliding minute admits 60,
        // plus what the others admit between two syncs (auth.reloadSeconds = 1 here).
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        int i = 0;
        while (System.nanoTime() < end) {
            if (chat(replicas.get(i++ % 3), key).statusCode() == 200) {
                admitted++;
            }
            Thread.sleep(40);
        }
        assertThat(admitted).as("admitted in 20 s").isBetween(55, 72);
    }

    @Test
    void aBudgetSpentOnOneReplicaIsRefusedOnTheOthersWithinFlushAndReload() throws Exception {
        // $0.000001: the first simulated call spends more than that
        JsonObject created = new JsonObject(send(replicas.get(0), "POST", "/admin/keys",
                new JsonObject().put("name", "fleet-budget").put("budget_usd", 0.000001).encode(), ADMIN).body());
        String key = created.getString("key");
        awaitChatStatus(replicas.get(0), key, 200);
        assertThat(chat(replicas.get(0), key).statusCode()).isEqualTo(429); // spent here: refused here at once
        // the others learn it from the store: spend is flushed every 5 s and reloaded every auth.reloadSeconds (1 s)
        long ms2 = awaitChatStatus(replicas.get(2), key, 429);
        long ms1 = awaitChatStatus(replicas.get(1), key, 429);
        assertThat(Math.max(ms1, ms2)).isLessThan(8_000);
    }
}
