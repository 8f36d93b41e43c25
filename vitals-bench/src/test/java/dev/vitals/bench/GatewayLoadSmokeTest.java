package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.bench.GatewayLoad.Mode;
import dev.vitals.bench.GatewayLoad.Sample;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A few seconds of the overhead benchmark, so the harness cannot rot: every kind of cell, a peer that
 * fails its streams (as Portkey with a broken setup did) reported n/a, and the CPU and allocation of a
 * gateway in its own process. Asserts correctness, not speed.
 */
class GatewayLoadSmokeTest {

    /** A peer that answers non-streaming calls and fails every stream with a 500, as Portkey 1.15.2 did. */
    private static HttpServer brokenPeer(Vertx vertx) {
        return vertx.createHttpServer().requestHandler(req -> req.body().onSuccess(b -> {
            if (b.toString().contains("\"stream\":true")) {
                req.response().setStatusCode(500).putHeader("content-type", "application/json")
                        .end("{\"status\":\"failure\",\"message\":\"Something went wrong\"}");
            } else {
                req.response().putHeader("content-type", "application/json").end("{\"id\":\"x\",\"object\":\"chat.completion\","
                        + "\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"Paris.\"},\"finish_reason\":\"stop\"}]}");
            }
        })).listen(0, "127.0.0.1").await();
    }

    @Test
    void everyKindOfCellAndAFailingPeerIsNa() throws Exception {
        Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1));
        try {
            HttpServer peer = brokenPeer(vertx);
            GatewayLoad.Options o = new GatewayLoad.Options();
            o.requests = 60;
            o.warmup = 20;
            o.warmupSeconds = 0;
            o.rounds = 2;
            o.chunks = 5;
            o.concurrency = new int[] {1, 16};
            o.portkeyUrl = "http://127.0.0.1:" + peer.actualPort();
            o.peerRequests = 30;
            List<Sample> samples = GatewayLoad.run(o);
            assertThat(samples).hasSize(3 * 2 * 4 * 2); // modes × concurrencies × targets × rounds
            assertThat(samples).filteredOn(s -> !s.target().equals("portkey")).allSatisfy(s -> {
                assertThat(s.errors()).as(s.toString()).isZero();
                assertThat(s.p50Ms()).isPositive();
                assertThat(s.p99Ms()).isGreaterThanOrEqualTo(s.p50Ms());
                assertThat(s.cpuSeconds()).isNaN(); // in this process: not measured
            });
            assertThat(samples).filteredOn(s -> s.target().equals("portkey"))
                    .allSatisfy(s -> assertThat(s.errors()).isEqualTo(s.mode() == Mode.NON_STREAM ? 0 : 30));
            String report = LoadReport.report(samples, o);
            assertThat(report).contains("### stream, per event, c=16").contains("| vitals | ");
            assertThat(report).contains("| portkey (peer) | n/a (errors: 60 of 60; first: HTTP 500: {\"status\":\"failure\"");
            assertThat(report).contains("- Vitals against the peer (Vitals' added latency / Portkey's): n/a (Portkey had errors)");
            assertThat(report).containsPattern("non-stream, c=1 [^#]*Vitals against the peer \\(Vitals' added latency / Portkey's\\): p50 -?\\d");
            assertThat(report).containsPattern("\\| throughput >= 80% of the floor's \\| stream, per event, c=16 \\| ×[0-9.]+.* \\| (met|not met) \\|");
            assertThat(report).contains("| CPU/request <= 1.3× the floor's | non-stream, c=1 |  | <= ×1.30 | n/a (process CPU not measured) |");
        } finally {
            vertx.close().await();
        }
    }

    /** The bare proxy in a JVM of its own, as the script runs it: its CPU time and allocation are read per cell. */
    @Test
    void cpuAndAllocationOfAGatewayProcess(@TempDir Path dir) throws Exception {
        Path gcLog = dir.resolve("bare-gc.log");
        try (FastUpstream upstream = FastUpstream.start(0, 5, 0)) {
            Process bare = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx64m", "-Xlog:gc:file=" + gcLog, "-cp", System.getProperty("java.class.path"),
                    "dev.vitals.bench.BareProxy", "--port", "0", "--upstream-port", Integer.toString(upstream.port()))
                    .redirectErrorStream(true).start();
            try {
                BufferedReader out = new BufferedReader(new InputStreamReader(bare.getInputStream(), StandardCharsets.UTF_8));
                Matcher m = null;
                for (String line = out.readLine(); line != null; line = out.readLine()) {
                    m = Pattern.compile("bare proxy on 127\\.0\\.0\\.1:(\\d+)").matcher(line);
                    if (m.find()) {
                        break;
                    }
                }
                assertThat(m).as("the bare proxy's start-up line").isNotNull();
                GatewayLoad.Options o = GatewayLoad.Options.parse(new String[] {"--requests", "300", "--warmup", "20",
                        "--warmup-seconds", "0", "--rounds", "1", "--chunks", "5", "--concurrency", "4",
                        "--upstream-port", Integer.toString(upstream.port()), "--bare", "http://127.0.0.1:" + m.group(1),
                        "--pid", "bare=" + bare.pid(), "--gc-log", "bare=" + gcLog});
                List<Sample> samples = GatewayLoad.run(o, upstream);
                assertThat(Files.exists(gcLog)).isTrue();
                assertThat(samples).filteredOn(s -> s.target().equals("bare")).hasSize(3).allSatisfy(s -> {
                    assertThat(s.errors()).isZero();
                    assertThat(s.cpuSeconds()).as("CPU seconds of " + s).isGreaterThanOrEqualTo(0).isLessThan(60);
                    assertThat(s.allocatedBytes()).as("bytes allocated in " + s).isGreaterThan(0);
                });
                // 3 cells × 300 requests: the process did spend CPU on them (100 ticks a second)
                assertThat(samples.stream().filter(s -> s.target().equals("bare")).mapToDouble(Sample::cpuSeconds).sum())
                        .isGreaterThan(0);
                assertThat(LoadReport.report(samples, o)).containsPattern("\\| bare \\(floor\\) \\|( [^|]+\\|){5} \\d+\\.\\d \\| \\d+\\.\\d \\| 0 \\|");
            } finally {
                bare.destroy();
                bare.waitFor(10, TimeUnit.SECONDS);
            }
        }
    }
}
