package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The scrape benchmark on a real server with a few models, so it cannot rot. Asserts shape, not speed. */
class ServerScrapeSmokeTest {

    @Test
    void scrapesTheServersOwnRegistryWithEveryModelFed() throws Exception {
        try (ServerScrape s = ServerScrape.start(12, 2)) {
            String text = s.text();
            assertThat(text).contains("model_name=\"" + ServerScrape.model(0) + "\"").contains("model_name=\"" + ServerScrape.model(11) + "\"");
            assertThat(text).contains("jvm_memory_used_bytes"); // the server's callbacks, not a synthetic registry
            assertThat(ServerScrape.families(text)).startsWith("| family (samples of the plain scrape) | samples | bytes |")
                    .containsPattern("\\| llm_[a-z_]+ \\| [0-9,]+ \\| [0-9,]+ \\|");
            ServerScrape.Scrape plain = s.scrapeHttp(null, null);
            ServerScrape.Scrape gzip = s.scrapeHttp(null, "gzip");
            assertThat(plain.bytes()).isGreaterThan(10_000);
            assertThat(gzip.bytes()).isPositive().isLessThan(plain.bytes());
            assertThat(s.scrapeRegistry().bytes()).isGreaterThan(10_000);
            assertThat(s.measure(0, 2)).contains("| GET /metrics, Prometheus text, gzip |").contains("| registry.scrape() + text writer (no HTTP) |");
        }
    }
}
