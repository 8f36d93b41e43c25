package dev.vitals.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/**
 * Keeps {@code bench/offline-tools.sh} working (not its targets): 2,000 rows, one round, vitals run from the test
 * classpath; the script's own agreement checks (ROC AUC and ks p-values equal to sklearn's and SciPy's) must pass.
 */
class OfflineBenchSmokeTest {
    @Test
    void scriptPrintsTheTableAndItsChecksPass() throws Exception {
        Path root = Path.of(System.getProperty("user.dir")).getParent();
        Path script = root.resolve("bench/offline-tools.sh");
        boolean tools = Files.isExecutable(Path.of("/usr/bin/time")) && new ProcessBuilder("/usr/bin/python3", "-c",
                "import numpy, pandas, scipy, sklearn").start().waitFor() == 0;
        if (System.getenv("CI") == null) {
            Assumptions.assumeTrue(tools, "needs /usr/bin/time and python3 with numpy, pandas, scipy, sklearn");
        }
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        ProcessBuilder pb = new ProcessBuilder("bash", script.toString(), "2000", "1").directory(root.toFile())
                .redirectErrorStream(true);
        pb.environment().put("VITALS", java + " -cp " + System.getProperty("java.class.path").replace(" ", "\\ ")
                + " " + VitalsCli.class.getName());
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(300, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).as(out).isZero();
        assertThat(out).contains("| vitals eval |", "| pandas.read_csv + sklearn |", "| vitals drift --test ks |",
                "| numpy.loadtxt + scipy ks_2samp |", "eval agrees with sklearn", "drift agrees with SciPy");
    }
}
