package dev.vitals.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The 200,000-column, one-row file of the report: {@code ./vitals drift} and {@code ./vitals eval} end
 * with a clear message, in a child JVM capped at 256 MB of heap, in under 2 s of their own time (the
 * JVM's start is measured apart and subtracted). Before the caps, drift ran 32 s and died out of memory.
 */
class WideFileTest {
    @TempDir
    Path dir;

    private Path wide(String name, int columns) throws IOException {
        Path p = dir.resolve(name);
        try (Writer w = Files.newBufferedWriter(p, StandardCharsets.UTF_8)) {
            for (int i = 0; i < columns; i++) {
                w.write(i == 0 ? "c0" : ",c" + i);
            }
            w.write('\n');
            for (int i = 0; i < columns; i++) {
                w.write(i == 0 ? "1" : ",1");
            }
            w.write('\n');
        }
        return p;
    }

    private Path small(String name) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, "x,y\n1,2\n3,4\n");
        return p;
    }

    record Run(int exit, String output, double seconds) {
    }

    private static Run vitals(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m", "-XX:+ExitOnOutOfMemoryError", "-cp", System.getProperty("java.class.path"),
                VitalsCli.class.getName()));
        cmd.addAll(List.of(args));
        long start = System.nanoTime();
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new Run(p.exitValue(), out, (System.nanoTime() - start) / 1e9);
    }

    @Test
    void theTwoHundredThousandColumnFileEndsWithAClearErrorFastInBoundedHeap() throws Exception {
        Path wide = wide("wide.csv", 200_000);
        assertThat(Files.size(wide)).isGreaterThan(1_500_000);
        Path other = small("other.csv");
        double jvm = vitals("--help").seconds(); // the JVM's and picocli's start, not the work

        Run drift = vitals("drift", other.toString(), wide.toString());
        assertThat(drift.exit()).as(drift.output()).isNotZero();
        assertThat(drift.output()).contains("more than 10000 columns (--max-columns)").doesNotContain("OutOfMemory");
        assertThat(drift.seconds() - jvm).as("drift's own time").isLessThan(2.0);

        Run eval = vitals("eval", wide.toString(), "--task", "classification");
        assertThat(eval.exit()).as(eval.output()).isNotZero();
        assertThat(eval.output()).contains("more than 10000 columns (--max-columns)").doesNotContain("OutOfMemory");
        assertThat(eval.seconds() - jvm).as("eval's own time").isLessThan(2.0);

        // under the cap, but the headers differ: refused before any value is buffered
        Path wideish = wide("wideish.csv", 9_000);
        Run mismatch = vitals("drift", other.toString(), wideish.toString());
        assertThat(mismatch.exit()).isNotZero();
        assertThat(mismatch.output()).contains("the files have different columns");
        assertThat(mismatch.seconds() - jvm).isLessThan(2.0);

        // the cap is configurable
        Run raised = vitals("drift", "--max-columns", "300000", wide.toString(), wide.toString());
        assertThat(raised.output()).doesNotContain("--max-columns)").doesNotContain("OutOfMemory");
    }
}
