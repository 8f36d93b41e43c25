package dev.vitals.server.gateway;

import dev.vitals.server.config.ConfigException;
import dev.vitals.server.config.VitalsConfig;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The backend types, one factory each: the one place a {@code backends[i].type} becomes a {@link Backend}.
 * A new type is one entry here (and its validation in {@code ConfigLoader}); an unknown type fails start-up
 * with the key's path instead of quietly becoming another type.
 */
public final class Backends {
    /** Builds one backend of a type from its configuration. */
    @FunctionalInterface
    public interface Factory {
        Backend create(Vertx vertx, VitalsConfig.Backend cfg, Map<String, String> env);
    }

    private static final Map<String, Factory> TYPES = new TreeMap<>(Map.of(
            "openai", OpenAiBackend::new,
            "simulated", (vertx, cfg, env) -> new SimulatedBackend(vertx, cfg)));

    private Backends() {
    }

    /** Checks every backend's type before anything starts; throws naming the first unknown one's key. */
    public static void checkTypes(List<VitalsConfig.Backend> backends) {
        for (int i = 0; i < backends.size(); i++) {
            factory(i, backends.get(i));
        }
    }

    /** The backend {@code backends[index]} describes. */
    public static Backend create(Vertx vertx, int index, VitalsConfig.Backend cfg, Map<String, String> env) {
        return factory(index, cfg).create(vertx, cfg, env);
    }

    private static Factory factory(int index, VitalsConfig.Backend cfg) {
        Factory f = cfg.type == null ? null : TYPES.get(cfg.type);
        if (f == null) {
            throw new ConfigException("backends[" + index + "].type: unknown backend type \"" + cfg.type + "\"; known: "
                    + String.join(", ", TYPES.keySet()));
        }
        return f;
    }
}
