package dev.vitals.server.gateway;

import dev.vitals.server.config.VitalsConfig;
import java.util.List;

/** A backend made from its {@code backends[]} entry: its name, its provider (or the kind's own) and the models it serves. */
abstract class ConfiguredBackend implements Backend {
    final VitalsConfig.Backend cfg;
    private final String provider;

    ConfiguredBackend(VitalsConfig.Backend cfg, String defaultProvider) {
        this.cfg = cfg;
        this.provider = cfg.provider == null ? defaultProvider : cfg.provider;
    }

    @Override
    public String name() {
        return cfg.name;
    }

    @Override
    public String provider() {
        return provider;
    }

    @Override
    public boolean serves(String model) {
        return cfg.models.contains(model) || cfg.models.contains("*");
    }

    @Override
    public List<String> models() {
        return cfg.models.stream().filter(m -> !"*".equals(m)).toList();
    }
}
