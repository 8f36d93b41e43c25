package dev.vitals.bench;

import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;

/** The configuration of the gateway the benchmarks start in their own process. */
final class BenchGateway {
    private BenchGateway() {
    }

    /**
     * Loopback on an ephemeral port, no API keys, a store in a fresh temporary folder, and one OpenAI-type
     * backend {@code bench} serving {@code models} (the first is the default) from the upstream on
     * {@code upstreamPort}. Not yet validated: callers adjust it, then call {@link ConfigLoader#validate}.
     */
    static VitalsConfig config(String tempPrefix, int upstreamPort, List<String> models) throws IOException {
        VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
        cfg.server.host = "127.0.0.1";
        cfg.server.port = 0;
        cfg.auth.enabled = false; // explicit: the gateway's own cost is measured, not a key check
        cfg.store.path = Files.createTempDirectory(tempPrefix).resolve("vitals.db").toString();
        VitalsConfig.Backend b = new VitalsConfig.Backend();
        b.name = "bench";
        b.type = "openai";
        b.baseUrl = "http://127.0.0.1:" + upstreamPort + "/v1";
        b.models = models;
        cfg.backends = List.of(b);
        cfg.defaultModel = models.get(0);
        return cfg;
    }
}
