package dev.vitals.server.rules;

import java.nio.file.Files;
import java.nio.file.Path;

/** The repository's {@code deploy/} directory, found from the test's working directory. */
public final class DeployDir {
    private DeployDir() {
    }

    /** {@code deploy/} of the repository that holds this module. */
    public static Path get() {
        Path p = Path.of("").toAbsolutePath();
        for (Path d = p; d != null; d = d.getParent()) {
            if (Files.isDirectory(d.resolve("deploy/prometheus")) && Files.isRegularFile(d.resolve("pom.xml"))) {
                return d.resolve("deploy");
            }
        }
        throw new IllegalStateException("no deploy/prometheus above " + p);
    }

    public static Path prometheus() {
        return get().resolve("prometheus");
    }

    public static Path grafana() {
        return get().resolve("grafana");
    }
}
