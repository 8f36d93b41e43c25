package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.sun.net.httpserver.HttpServer;
import dev.vitals.server.rules.DeployDir;
import java.io.File;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy/alertmanager/alertmanager.yml}: it passes {@code amtool check-config}; its routing tree sends
 * each severity and category where the README says; and end to end, a real Prometheus evaluates Vitals'
 * committed target rules against a Vitals that does not answer, a real Alertmanager running the committed
 * file (receivers pointed at a webhook on loopback, waits shortened) delivers {@code VitalsDown} to the page
 * receiver, and inhibits {@code VitalsTargetDown}, its symptom. Needs prometheus, prometheus-alertmanager and
 * amtool: fails in CI without them, skips elsewhere.
 */
@Timeout(120)
class AlertmanagerEndToEndTest {
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private static Path config() {
        return DeployDir.get().resolve("alertmanager/alertmanager.yml");
    }

    private static Promtools.Result amtool(String... args) throws Exception {
        List<String> cmd = new ArrayList<>();
        cmd.add(Promtools.require("amtool").toString());
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
                .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            fail("amtool " + String.join(" ", args) + " did not finish in 30 s");
        }
        return new Promtools.Result(p.exitValue(), out);
    }

    @Test
    void committedConfigPassesAmtoolCheckConfig() throws Exception {
        Promtools.Result r = amtool("check-config", config().toString());
        assertThat(r.code()).as(r.output()).isZero();
        assertThat(r.output()).contains("SUCCESS").contains("3 inhibit rules");
    }

    @Test
    void routesBySeverityAndCategory() throws Exception {
        Map<String, String> expected = Map.of(
                "severity=page category=slo", "page",
                "severity=page category=availability", "page",
                "severity=ticket category=slo", "ticket",
                "severity=ticket category=drift", "ticket",
                "severity=ticket category=cost", "cost-ticket",
                "alertname=Unlabelled", "ticket");
        for (var e : expected.entrySet()) {
            List<String> args = new ArrayList<>(List.of("config", "routes", "test", "--config.file=" + config()));
            args.addAll(List.of(e.getKey().split(" ")));
            Promtools.Result r = amtool(args.toArray(String[]::new));
            assertThat(r.code()).as(r.output()).isZero();
            String receiver = r.output().lines().filter(l -> !l.startsWith("Warning")).reduce("", (a, b) -> b).trim();
            assertThat(receiver).as(e.getKey()).isEqualTo(e.getValue());
        }
    }

    @Test
    void prometheusFiresAndAlertmanagerDeliversToWebhook() throws Exception {
        Path prometheus = Promtools.require("prometheus");
        Path alertmanager = Promtools.require("prometheus-alertmanager");
        List<JsonNode> delivered = new CopyOnWriteArrayList<>();
        Map<String, String> receiverOf = new ConcurrentHashMap<>();
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        hook.createContext("/", ex -> {
            JsonNode body = JSON.readTree(ex.getRequestBody().readAllBytes());
            for (JsonNode a : body.path("alerts")) {
                receiverOf.put(a.path("labels").path("alertname").asText(), ex.getRequestURI().getPath());
            }
            delivered.add(body);
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hook.start();
        Process am = null;
        Process prom = null;
        try {
            // the committed routing, receivers on the hook, waits of a second instead of minutes
            ObjectNode cfg = (ObjectNode) YAML.readTree(config().toFile());
            shorten(cfg.get("route"));
            for (JsonNode r : cfg.get("receivers")) {
                for (JsonNode w : r.path("webhook_configs")) {
                    String url = w.get("url").asText();
                    ((ObjectNode) w).put("url", url.replace("http://127.0.0.1:9095", "http://127.0.0.1:" + hook.getAddress().getPort()));
                }
            }
            // the deployment window must not mute this run, whatever the day: a window that never matches
            ObjectNode window = (ObjectNode) cfg.get("time_intervals").get(0).get("time_intervals").get(0);
            window.putArray("years").add("1990");
            Path amCfg = tmp.resolve("alertmanager.yml");
            YAML.writeValue(amCfg.toFile(), cfg);
            int amPort = freePort();
            am = new ProcessBuilder(alertmanager.toString(), "--config.file=" + amCfg, "--storage.path=" + tmp.resolve("am"),
                    "--web.listen-address=127.0.0.1:" + amPort, "--cluster.listen-address=", "--log.level=warn")
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("alertmanager.log").toFile()).start();
            HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
            URI amReady = URI.create("http://127.0.0.1:" + amPort + "/-/ready");
            waitFor(tmp, "Alertmanager ready", () -> {
                try {
                    return http.send(HttpRequest.newBuilder(amReady).build(), HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
                } catch (Exception e) {
                    return false;
                }
            });

            // Vitals' own target rules, fired at once (the committed ones wait 5 and 10 minutes)
            ObjectNode rules = (ObjectNode) YAML.readTree(DeployDir.prometheus().resolve("vitals-rules.yml").toFile());
            ArrayNode groups = JSON.createArrayNode();
            for (JsonNode g : rules.get("groups")) {
                if (g.get("name").asText().equals("vitals-targets")) {
                    for (JsonNode rule : g.get("rules")) {
                        ((ObjectNode) rule).put("for", "0s");
                    }
                    groups.add(g);
                }
            }
            assertThat(groups).as("the vitals-targets group of the committed rules").hasSize(1);
            rules.set("groups", groups);
            YAML.writeValue(tmp.resolve("rules.yml").toFile(), rules);
            int deadVitals = freePort(); // nothing listens: up{job="vitals"} == 0
            int promPort = freePort();
            Files.writeString(tmp.resolve("prometheus.yml"), String.join("\n",
                    "global:",
                    "  scrape_interval: 1s",
                    "  scrape_timeout: 500ms",
                    "  evaluation_interval: 1s",
                    "rule_files:",
                    "  - " + tmp.resolve("rules.yml"),
                    "alerting:",
                    "  alertmanagers:",
                    "    - static_configs:",
                    "        - targets: ['127.0.0.1:" + amPort + "']",
                    "scrape_configs:",
                    "  - job_name: vitals",
                    "    static_configs:",
                    "      - targets: ['127.0.0.1:" + deadVitals + "']",
                    ""));
            prom = new ProcessBuilder(prometheus.toString(), "--config.file=" + tmp.resolve("prometheus.yml"),
                    "--storage.tsdb.path=" + tmp.resolve("prom"), "--web.listen-address=127.0.0.1:" + promPort, "--log.level=warn",
                    "--rules.alert.resend-delay=1s") // an alert that fired before Alertmanager listened is sent again at once
                    .redirectErrorStream(true).redirectOutput(tmp.resolve("prometheus.log").toFile()).start();

            waitFor(tmp, "VitalsDown delivered to the page webhook", () -> "/page".equals(receiverOf.get("VitalsDown")));
            JsonNode page = delivered.stream().filter(b -> b.path("receiver").asText().equals("page")).findFirst().orElseThrow();
            assertThat(page.path("status").asText()).isEqualTo("firing");
            JsonNode alert = page.path("alerts").get(0);
            assertThat(alert.path("labels").path("severity").asText()).isEqualTo("page");
            assertThat(alert.path("labels").path("category").asText()).isEqualTo("availability");
            assertThat(alert.path("annotations").path("summary").asText()).isNotEmpty();

            // the symptom reached Alertmanager too, but is inhibited by its cause
            URI alerts = URI.create("http://127.0.0.1:" + amPort + "/api/v2/alerts?inhibited=true&silenced=true&active=true");
            waitFor(tmp, "VitalsTargetDown at Alertmanager, inhibited", () -> {
                try {
                    JsonNode list = JSON.readTree(http.send(HttpRequest.newBuilder(alerts).build(),
                            HttpResponse.BodyHandlers.ofString()).body());
                    for (JsonNode a : list) {
                        if (a.path("labels").path("alertname").asText().equals("VitalsTargetDown")) {
                            return a.path("status").path("state").asText().equals("suppressed")
                                    && a.path("status").path("inhibitedBy").size() > 0;
                        }
                    }
                    return false;
                } catch (Exception e) {
                    return false;
                }
            });
            Thread.sleep(4_500); // more than the ticket route's shortened group wait (3 s)
            assertThat(receiverOf).as("an inhibited alert is not delivered").doesNotContainKey("VitalsTargetDown");
        } finally {
            stop(prom);
            stop(am);
            hook.stop(0);
        }
    }

    /**
     * Waits a tenth as long (30 s to 3 s, 10 s to 1 s, so pages still go out before tickets, as the committed
     * file has them), group_interval 1s, repeat_interval 1m; routes without their own wait keep inheriting.
     */
    private static void shorten(JsonNode route) {
        ObjectNode r = (ObjectNode) route;
        if (r.has("group_wait")) {
            String w = r.get("group_wait").asText();
            long seconds = Long.parseLong(w.substring(0, w.length() - 1)) * (w.endsWith("m") ? 60 : 1);
            r.put("group_wait", Math.max(1, seconds / 10) + "s");
        }
        if (r.has("group_interval")) {
            r.put("group_interval", "1s");
        }
        if (r.has("repeat_interval")) {
            r.put("repeat_interval", "1m");
        }
        for (Iterator<JsonNode> it = r.path("routes").elements(); it.hasNext(); ) {
            shorten(it.next());
        }
    }

    private static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    private static void stop(Process p) throws InterruptedException {
        if (p != null) {
            p.destroy();
            if (!p.waitFor(10, TimeUnit.SECONDS)) {
                p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
            }
        }
    }

    private static void waitFor(Path logs, String what, BooleanSupplier ok) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (System.nanoTime() < deadline) {
            if (ok.getAsBoolean()) {
                return;
            }
            Thread.sleep(200);
        }
        String log = "";
        for (String f : new String[] {"prometheus.log", "alertmanager.log"}) {
            Path p = logs.resolve(f);
            log += "\n--- " + f + "\n" + (Files.exists(p) ? Files.readString(p) : "(none)");
        }
        fail("timed out waiting for " + what + log);
    }
}
