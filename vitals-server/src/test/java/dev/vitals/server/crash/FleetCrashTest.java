package dev.vitals.server.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.store.PgCluster;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReferenceArray;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue #16 points 5 and 6: three real replicas (child processes) on one real PostgreSQL; calls on one
 * replica, feedback and a business event at once on the next; one replica SIGKILLed mid-traffic. Every
 * acknowledged feedback is stored and the fleet report counts each stored one exactly once, with the
 * killed replica down and again after it restarts under its name; every event is accepted (never 404)
 * and the replicas' conversion counters sum to the stored conversions, the killed one's restored after
 * its restart; spend is kept per replica and summed.
 */
@Timeout(600)
class FleetCrashTest {
    static final String ADMIN = "fleet-crash-admin-token";
    static final String MODEL = "mock-llm-v1";
    @TempDir
    Path dir;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private HttpResponse<String> send(int port, String method, String path, String body, String bearer) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(20))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .header("content-type", "application/json");
        if (bearer != null) {
            b.header("authorization", "Bearer " + bearer);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private Path config(String url, String replica) throws Exception {
        Path cfg = dir.resolve(replica + ".yaml");
        Files.writeString(cfg, String.join("\n",
                "server:", "  host: 127.0.0.1", "  port: 0", "  instances: 1",
                "store:", "  jdbcUrl: " + url, "  userEnv: VITALS_DB_USER", "  replicaId: " + replica, "  maxPoolSize: 4",
                "auth:", "  enabled: true", "  reloadSeconds: 1",
                "system:", "  enabled: false", "gpu:", "  enabled: false", ""));
        return cfg;
    }

    private long fleetCount(int port, String key) throws Exception {
        HttpResponse<String> q = send(port, "GET", "/v1/quality?model=" + MODEL + "&window=24h", null, key);
        assertThat(q.statusCode()).as(q.body()).isEqualTo(200);
        for (Object o : new JsonObject(q.body()).getJsonObject("scores").getJsonArray("scores")) {
            if (((JsonObject) o).getString("name").equals("helpfulness")) {
                return ((JsonObject) o).getLong("count");
            }
        }
        return 0;
    }

    /** The sum of a replica's vitals_conversions_total series of kind purchased. */
    private double conversions(int port) throws Exception {
        double sum = 0;
        for (String line : send(port, "GET", "/metrics", null, null).body().split("\n")) {
            if (line.startsWith("vitals_conversions_total{") && line.contains("kind=\"purchased\"")) {
                sum += Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return sum;
    }

    @Test
    void aReplicaKilledMidTrafficLosesNoAcknowledgedFeedbackAndTotalsStayExact() throws Exception {
        Random random = new Random(Long.getLong("vitals.crash.seed", 16));
        Map<String, String> env = Map.of("VITALS_ADMIN_TOKEN", ADMIN, "VITALS_DB_USER", "postgres");
        String[] fast = {"--latency-min", "0.001", "--latency-max", "0.004"};
        try (PgCluster pg = PgCluster.start()) {
            String url = pg.createDatabase();
            AtomicReferenceArray<ChildServer> replicas = new AtomicReferenceArray<>(3);
            try {
                for (int i = 0; i < 3; i++) {
                    replicas.set(i, ChildServer.start(config(url, "r" + (i + 1)), env, fast));
                }
                HttpResponse<String> k = send(replicas.get(0).port(), "POST", "/admin/keys", new JsonObject().put("name", "fleet").encode(), ADMIN);
                assertThat(k.statusCode()).as(k.body()).isEqualTo(201);
                String key = new JsonObject(k.body()).getString("key");
                for (int i = 0; i < 3; i++) { // auth.reloadSeconds: the key reaches the other replicas
                    long deadline = System.nanoTime() + 30_000_000_000L;
                    while (send(replicas.get(i).port(), "GET", "/v1/feedback?feedback_id=none", null, key).statusCode() == 401
                            && System.nanoTime() < deadline) {
                        Thread.sleep(100);
                    }
                }

                Map<String, Integer> acked = new ConcurrentHashMap<>();
                Map<String, Integer> events = new ConcurrentHashMap<>(); // request id -> the answer to its event
                java.util.concurrent.atomic.AtomicIntegerArray served = new java.util.concurrent.atomic.AtomicIntegerArray(3);
                AtomicBoolean stop = new AtomicBoolean();
                boolean[] dead = new boolean[3];
                List<Thread> threads = new ArrayList<>();
                for (int t = 0; t < 3; t++) {
                    int tn = t;
                    threads.add(new Thread(() -> {
                        int n = 0;
                        while (!stop.get()) {
                            int a = (tn + n) % 3;
                            int b = (a + 1) % 3;
                            n++;
                            if (dead[a] || dead[b]) {
                                continue;
                            }
                            try {
                                HttpResponse<String> c = send(replicas.get(a).port(), "POST", "/v1/chat/completions", new JsonObject()
                                        .put("model", MODEL).put("messages", new JsonArray().add(new JsonObject().put("role", "user")
                                                .put("content", "hi"))).encode(), key);
                                if (c.statusCode() != 200) {
                                    continue;
                                }
                                served.incrementAndGet(a);
                                String id = c.headers().firstValue("x-request-id").orElseThrow();
                                String fid = "fb-" + tn + "-" + n;
                                HttpResponse<String> f = send(replicas.get(b).port(), "POST", "/v1/feedback", new JsonObject()
                                        .put("request_id", id).put("feedback_id", fid).put("score", new JsonObject().put("name", "helpfulness")
                                                .put("value", n % 5 + 1).put("source", "human")).encode(), key);
                                if (f.statusCode() / 100 == 2) {
                                    acked.put(fid, f.statusCode());
                                }
                                HttpResponse<String> e = send(replicas.get(b).port(), "POST", "/v1/events", new JsonObject()
                                        .put("request_id", id).put("kind", "purchased").encode(), key);
                                events.put(id, e.statusCode());
                            } catch (Exception e) {
                                // the killed replica: not acknowledged
                            }
                        }
                    }));
                }
                threads.forEach(Thread::start);
                Thread.sleep(2_500 + random.nextInt(2_000));
                dead[1] = true;
                replicas.get(1).kill(); // SIGKILL r2 mid-traffic
                Thread.sleep(2_000);
                stop.set(true);
                for (Thread t : threads) {
                    t.join(30_000);
                }
                Thread.sleep(1_500); // pending feedback joins once its call's row is there
                // events for a call another replica served a moment ago: accepted (stored, maybe waiting for the call's row)
                assertThat(events.values()).as("answers to events").allMatch(code -> code == 200 || code == 202);

                Set<String> stored = new HashSet<>();
                Set<String> parked = new HashSet<>();
                Set<String> converted = new HashSet<>();
                Set<String> eventsWaiting = new HashSet<>();
                Map<String, Double> spendByReplica = new ConcurrentHashMap<>();
                try (Connection c = DriverManager.getConnection(url, "postgres", ""); Statement st = c.createStatement()) {
                    try (ResultSet rs = st.executeQuery("SELECT feedback_id FROM feedback")) {
                        while (rs.next()) {
                            stored.add(rs.getString(1));
                        }
                    }
                    try (ResultSet rs = st.executeQuery("SELECT item_id FROM pending_joins")) {
                        while (rs.next()) {
                            parked.add(rs.getString(1));
                        }
                    }
                    try (ResultSet rs = st.executeQuery("SELECT request_id FROM business_conversions WHERE kind = 'purchased'")) {
                        while (rs.next()) {
                            converted.add(rs.getString(1));
                        }
                    }
                    try (ResultSet rs = st.executeQuery("SELECT join_key FROM pending_joins WHERE kind = 'business_event' AND state = 'pending'")) {
                        while (rs.next()) {
                            eventsWaiting.add(rs.getString(1));
                        }
                    }
                    try (ResultSet rs = st.executeQuery("SELECT replica, usd FROM spend WHERE scope = 'key'")) {
                        while (rs.next()) {
                            spendByReplica.put(rs.getString(1), rs.getDouble(2));
                        }
                    }
                }
                acked.forEach((fid, code) -> {
                    if (code == 200) {
                        assertThat(stored).as("feedback %s answered 200", fid).contains(fid);
                    } else {
                        assertThat(stored.contains(fid) || parked.contains(fid)).as("feedback %s answered 202", fid).isTrue();
                    }
                });
                // and stored, counted once across the fleet
                events.forEach((id, code) -> {
                    if (code == 200) {
                        assertThat(converted).as("event for %s answered 200", id).contains(id);
                    } else {
                        assertThat(converted.contains(id) || eventsWaiting.contains(id)).as("event for %s answered 202", id).isTrue();
                    }
                });
                // the fleet report on a survivor counts every stored feedback once, the killed replica's included
                assertThat(fleetCount(replicas.get(0).port(), key)).isEqualTo(stored.size());
                assertThat(fleetCount(replicas.get(2).port(), key)).isEqualTo(stored.size());
                assertThat(served.get(1)).as("calls the killed replica served").isPositive();
                assertThat(spendByReplica.keySet()).as("spend rows per replica").contains("r1", "r2", "r3");

                replicas.set(1, ChildServer.start(config(url, "r2"), env, fast)); // back under its name: replays its journal
                assertThat(fleetCount(replicas.get(1).port(), key)).isEqualTo(stored.size());
                assertThat(fleetCount(replicas.get(0).port(), key)).isEqualTo(stored.size());
                double conversions = 0;
                for (int i = 0; i < 3; i++) { // the restarted replica's counters continue from its checkpoint and journal
                    conversions += conversions(replicas.get(i).port());
                }
                assertThat(conversions).as("conversions counted on the replicas").isEqualTo(converted.size());
                Thread.sleep(2_500); // auth.reloadSeconds
                double total = spendByReplica.values().stream().mapToDouble(Double::doubleValue).sum();
                JsonArray keys = new JsonObject(send(replicas.get(0).port(), "GET", "/admin/keys", null, ADMIN).body()).getJsonArray("keys");
                assertThat(keys.getJsonObject(0).getDouble("spent_usd")).as("the fleet's spend: the sum of the replicas' rows")
                        .isGreaterThanOrEqualTo(total - 1e-9);
                System.out.printf("fleet crash: calls served per replica %s; %d feedback acknowledged (%d pending first), %d stored, "
                        + "%d still pending; %d events acknowledged (%d pending first), %d conversions; spend rows %s%n", served, acked.size(),
                        acked.values().stream().filter(c -> c == 202).count(), stored.size(), parked.size(), events.size(),
                        events.values().stream().filter(c -> c == 202).count(), converted.size(), spendByReplica);
            } finally {
                for (int i = 0; i < 3; i++) {
                    if (replicas.get(i) != null) {
                        replicas.get(i).close();
                    }
                }
            }
        }
    }
}
