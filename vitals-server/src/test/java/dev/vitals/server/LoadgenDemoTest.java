package dev.vitals.server;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.cli.LoadgenCommand;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/**
 * {@code vitals loadgen --scenario demo} without {@code --duration}: the demo times itself from the server's
 * anomaly settings (here accelerated: 400 ms intervals, warm-up 8, 2 consecutive), freezes the drift
 * reference after its warm-up, raises the latency, error and cost anomalies on cue and a drift verdict,
 * and prints progress lines and a summary read back from the server.
 */
// a demo run, then a browser: minutes on a loaded 2-core machine, seconds on an idle one
@org.junit.jupiter.api.Timeout(value = 180, unit = java.util.concurrent.TimeUnit.SECONDS)
class LoadgenDemoTest {
    @Test
    void theDemoTellsItsStoryOnCueAndSummarizesWhatTheServerSaw() throws Exception {
        String admin = "demo-admin-token-0123456789";
        try (ServerFixture f = ServerFixture.start(cfg -> {
            cfg.dashboard.stepMillis = 400;
            cfg.anomalies.warmUp = 8;
            cfg.anomalies.consecutive = 2;
            cfg.anomalies.minVolume = 1;
            cfg.drift.evaluateSeconds = 1;
            cfg.server.adminToken = admin;
            ServerFixture.sim(cfg).latencyMin = 0.001;
            ServerFixture.sim(cfg).latencyMax = 0.01;
            ServerFixture.sim(cfg).interTokenDelay = 0.0;
            ServerFixture.sim(cfg).timeToFirstToken = 0.001;
        })) {
            LoadgenCommand gen = new LoadgenCommand();
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            new CommandLine(gen).parseArgs("--url", "http://127.0.0.1:" + f.server.port(), "--rps", "50", "--scenario", "demo",
                    "--admin-token", admin, "--spike-latency", "0.6", "--progress-every", "1", "--summary-wait", "30");
            gen.output(new PrintStream(bytes, true, StandardCharsets.UTF_8));
            long t0 = System.nanoTime();
            LoadgenCommand.Summary s = gen.run(f.uri("/"));
            double seconds = (System.nanoTime() - t0) / 1e9;
            String out = bytes.toString(StandardCharsets.UTF_8) + String.join("\n", s.lines());
            // warm-up (8 + 2) x 0.4 s, then 4 phases of (2 + 2) x 0.4 s: 10.4 s of traffic at 50/s
            assertThat(s.sent()).as(out).isEqualTo(520);
            assertThat(s.byPhaseAndStatus()).as(out).containsKeys("steady 200", "latency_spike 200", "error_burst 500", "cost_jump 200", "drift 200");
            assertThat(s.anomalySignals()).as(out).containsAnyOf("latency_p50", "latency_p95");
            assertThat(s.anomalySignals()).as(out).contains("error_ratio");
            assertThat(s.anomalySignals()).as(out).containsAnyOf("tokens_per_request", "cost_per_query");
            assertThat(s.driftVerdict()).as(out).isEqualTo("drift");
            assertThat(s.driftedFeatures()).as(out).containsAnyOf("prompt_chars", "prompt_tokens", "message_count", "non_ascii_share");
            assertThat(seconds).as("within 5 minutes").isLessThan(300);
            // the story, told as it happens
            assertThat(out).contains("phase steady: steady traffic: the server learns its baselines (warm-up: 8 intervals of 0.40 s)")
                    .contains("drift reference set from the warm-up traffic")
                    .contains("phase latency_spike: latency spike now (calls take about 0.60 s); expect a latency anomaly within 1 s (2 intervals of 0.40 s)")
                    .contains("phase error_burst: error burst now")
                    .contains("phase cost_jump: cost jump now")
                    .contains("phase drift: drifting prompts now")
                    .containsPattern("\\n\\s+[0-9.]+s  \\w+ +50 req/s  sent \\d+  ok \\d+  failed \\d+  open \\d+  (next: \\w+ in \\d+ s|end in \\d+ s)")
                    .contains("summary, read back from the server:")
                    .contains("anomalies raised (GET /v1/anomalies):")
                    .contains("drift (GET /v1/drift): drift; drifted: ")
                    .contains("VitalsAnomalyDetected{model=\"mock-llm-v1\",signal=\"error_ratio\"}")
                    .contains("VitalsDriftDetected{model=\"mock-llm-v1\",feature=")
                    .contains("SLO (GET /v1/dashboard/overview): availability ")
                    .doesNotContain("none (expected");
        }
    }
}
