package dev.vitals.server.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.llm.LlmCall;
import dev.vitals.server.config.VitalsConfig;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The writer thread: lines offered from many threads at once come out whole, one per line, none lost or
 * doubled, across rotations (several queued lines go out in one write), and a full queue drops and counts.
 */
class RequestLogTest {
    @TempDir
    Path dir;

    @Test
    void everyLineIsWrittenWholeAcrossRotations() throws Exception {
        VitalsConfig.RequestLog cfg = new VitalsConfig.RequestLog();
        cfg.path = dir.resolve("requests.log").toString();
        cfg.maxFileBytes = 64 * 1024;
        cfg.maxFiles = 1000;
        cfg.queueSize = 100_000;
        RequestLog log = RequestLog.open(cfg, null, new PrometheusRegistry());
        int threads = 4;
        int each = 5_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> writers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int id = t;
            Thread w = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < each; i++) {
                    log.write(line("t" + id + "-" + i));
                }
            });
            w.start();
            writers.add(w);
        }
        go.countDown();
        for (Thread w : writers) {
            w.join();
        }
        log.close();
        Set<String> ids = new HashSet<>();
        int files = 0;
        try (var list = Files.list(dir)) {
            for (Path f : list.filter(p -> p.getFileName().toString().matches("requests\\.log\\.\\d+")).toList()) {
                files++;
                // a file outgrows its limit by at most one batch of lines
                assertThat(Files.size(f)).isLessThan(cfg.maxFileBytes + 20_000);
                for (String l : Files.readAllLines(f)) {
                    assertThat(ids.add(new JsonObject(l).getString("request_id"))).as(l).isTrue();
                }
            }
        }
        assertThat(ids).hasSize(threads * each);
        assertThat(files).isGreaterThan(5);
    }

    @Test
    void aFullQueueDropsAndCounts() throws Exception {
        VitalsConfig.RequestLog cfg = new VitalsConfig.RequestLog();
        cfg.path = dir.resolve("small.log").toString();
        cfg.maxFiles = 1;
        cfg.queueSize = 1;
        PrometheusRegistry registry = new PrometheusRegistry();
        RequestLog log = RequestLog.open(cfg, null, registry);
        CountDownLatch entered = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        // the writer is held inside the first line, so the queue (1) fills and the rest are dropped
        log.write((out, times) -> {
            entered.countDown();
            try {
                release.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            out.append("{\"first\":true}");
        });
        assertThat(entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        for (int i = 0; i < 10; i++) {
            log.write(line("r" + i));
        }
        release.countDown();
        log.close();
        List<String> lines = Files.readAllLines(dir.resolve("small.log"));
        assertThat(lines).hasSize(2);
        assertThat(lines.get(0)).isEqualTo("{\"first\":true}");
        assertThat(new JsonObject(lines.get(1)).getString("request_id")).isEqualTo("r0");
        assertThat(droppedTotal(registry)).isEqualTo(9.0);
    }

    @Test
    void aLineThatCannotBeWrittenIsDroppedAndTheLogGoesOn() throws Exception {
        VitalsConfig.RequestLog cfg = new VitalsConfig.RequestLog();
        cfg.path = dir.resolve("bad.log").toString();
        cfg.maxFiles = 1;
        PrometheusRegistry registry = new PrometheusRegistry();
        RequestLog log = RequestLog.open(cfg, null, registry);
        log.write(line("before"));
        log.write((out, times) -> {
            out.append("{\"half\":");
            throw new IllegalStateException("cannot format");
        });
        log.write(line("after"));
        log.close();
        List<String> lines = Files.readAllLines(dir.resolve("bad.log"));
        assertThat(lines).extracting(l -> new JsonObject(l).getString("request_id")).containsExactly("before", "after");
        assertThat(droppedTotal(registry)).isEqualTo(1.0);
    }

    private static double droppedTotal(PrometheusRegistry registry) {
        var snapshot = (io.prometheus.metrics.model.snapshots.CounterSnapshot) registry.scrape().stream()
                .filter(m -> m.getMetadata().getName().equals("vitals_request_log_dropped")).findFirst().orElseThrow();
        return snapshot.getDataPoints().get(0).getValue();
    }

    private static CallLine line(String requestId) {
        LlmCall c = LlmCall.builder("m").requestId(requestId).provider("openai").operation("chat").success()
                .durationSeconds(0.01).build();
        return new CallLine(Instant.now(), c, null, "/v1/chat/completions", null, null, "b", null);
    }
}
