package dev.vitals.bench;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.TearDown;

/**
 * One scrape of Vitals' own registry, with every callback the server registers, after {@code models}
 * models went through its gateway ({@link ServerScrape}): the registry written as Prometheus text into
 * a byte counter (the CPU of a scrape), and {@code GET /metrics} over loopback HTTP. Returns the bytes.
 */
@OutputTimeUnit(TimeUnit.MILLISECONDS)
public class ScrapeBenchmark extends JmhSettings {
    @Param("1000")
    int models;

    ServerScrape server;

    @Setup
    public void setup() throws Exception {
        server = ServerScrape.start(models, 2);
    }

    @TearDown
    public void tearDown() throws Exception {
        server.close();
    }

    @Benchmark
    public long registryToText() throws IOException {
        return server.scrapeRegistry().bytes();
    }

    @Benchmark
    public long httpMetrics() {
        return server.scrapeHttp(null, null).bytes();
    }
}
