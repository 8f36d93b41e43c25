package dev.vitals.server.cli;

import dev.vitals.server.config.ConfigException;
import dev.vitals.server.config.ConfigKeys;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import java.io.PrintStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code vitals config}: the effective configuration, each key with its value and where the value came from
 * (default, file, env, flag), secrets masked; {@code --reference} prints the generated reference table instead.
 */
@Command(name = "config", mixinStandardHelpOptions = true,
        description = "Print the effective configuration with the source of each value (secrets masked), "
                + "or with --reference the table of every key.")
final class ConfigCommand implements Callable<Integer> {
    static final String MASK = "****";

    @Option(names = "--config", description = "YAML configuration file (env VITALS_CONFIG).")
    String config;
    @Option(names = "--reference", description = "Print the reference of every key (Markdown), as in the README.")
    boolean reference;

    private final Map<String, String> env;
    private final PrintStream out;
    private final PrintStream err;

    ConfigCommand() {
        this(System.getenv(), System.out, System.err);
    }

    ConfigCommand(Map<String, String> env, PrintStream out, PrintStream err) {
        this.env = env;
        this.out = out;
        this.err = err;
    }

    @Override
    public Integer call() {
        if (reference) {
            out.print(ConfigKeys.markdownTable());
            return 0;
        }
        ConfigLoader.Overrides o = new ConfigLoader.Overrides();
        o.config = config;
        ConfigLoader.Effective e;
        try {
            e = ConfigLoader.explain(o, env);
        } catch (ConfigException ex) {
            err.println("vitals: configuration error: " + ex.getMessage());
            return 2;
        }
        out.print(render(e));
        return 0;
    }

    /** One line per key: {@code key = value  # source}. */
    static String render(ConfigLoader.Effective e) {
        StringBuilder sb = new StringBuilder("# effective configuration; file: " + (e.file() == null ? "none" : e.file())
                + "; precedence: flags > environment > file > defaults\n");
        VitalsConfig c = e.config();
        for (ConfigKeys.Key k : ConfigKeys.all()) {
            if (k.element()) {
                continue;
            }
            line(sb, k.path(), ConfigKeys.get(c, k), e.sources());
        }
        elements(sb, "backends", c.backends, e.sources());
        elements(sb, "auth.keys", c.auth.keys, e.sources());
        // secrets read from the environment or files: only whether they are set
        secret(sb, "server.adminToken", c.server.adminToken, "env VITALS_ADMIN_TOKEN");
        secret(sb, "metrics.auth.bearerToken", c.metrics.auth.bearerToken, "env " + c.metrics.auth.bearerTokenEnv);
        secret(sb, "metrics.auth.basicPassword", c.metrics.auth.basicPassword, "env " + c.metrics.auth.basicPasswordEnv);
        secret(sb, "store.password", c.store.password, c.store.passwordEnv != null ? "env " + c.store.passwordEnv
                : "file " + c.store.passwordFile);
        secret(sb, "server.tls.keyStorePassword", c.server.tls.keyStorePassword, "env " + c.server.tls.keyStorePasswordEnv);
        secret(sb, "business.salt", c.business.salt, "env " + c.business.saltEnv);
        return sb.toString();
    }

    private static void elements(StringBuilder sb, String list, List<?> items, Map<String, String> sources) {
        if (items == null) {
            return;
        }
        String prefix = list + "[].";
        for (int i = 0; i < items.size(); i++) {
            for (ConfigKeys.Key k : ConfigKeys.all()) {
                if (k.element() && k.path().startsWith(prefix) && k.field().getDeclaringClass().isInstance(items.get(i))) {
                    Object v;
                    try {
                        v = k.field().get(items.get(i));
                    } catch (IllegalAccessException ex) {
                        throw new IllegalStateException(ex);
                    }
                    line(sb, list + "[" + i + "]." + k.path().substring(prefix.length()), v, sources);
                }
            }
        }
    }

    private static void line(StringBuilder sb, String path, Object value, Map<String, String> sources) {
        String shown = value == null ? "none" : ConfigKeys.isSecret(path) ? MASK : maskUrl(ConfigKeys.format(value));
        sb.append(path).append(" = ").append(shown).append("  # ").append(sources.getOrDefault(path, "default")).append('\n');
    }

    private static void secret(StringBuilder sb, String path, String value, String from) {
        if (value != null) {
            sb.append(path).append(" = ").append(MASK).append("  # ").append(from).append('\n');
        }
    }

    /** Hides credentials written into a URL ({@code scheme://user:password@host}). */
    static String maskUrl(String s) {
        return s.replaceAll("://[^/@\\s]+@", "://" + MASK + "@");
    }
}
