package dev.vitals.server;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Finds the {@code prometheus} and {@code promtool} binaries and runs promtool. Without them a test
 * fails in CI (environment {@code CI=true}) and is skipped, with the reason, on a developer machine.
 */
final class Promtools {
    private Promtools() {
    }

    static boolean inCi() {
        return "true".equalsIgnoreCase(System.getenv("CI"));
    }

    /** The binary on the PATH, if there is one. */
    static Optional<Path> find(String name) {
        String pathVar = System.getenv("PATH");
        for (String d : pathVar == null ? new String[0] : pathVar.split(File.pathSeparator)) {
            if (d.isEmpty()) {
                continue;
            }
            Path p = Path.of(d, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** The binary's path; fails (CI) or aborts the test (elsewhere) when it is not installed. */
    static Path require(String name) {
        Optional<Path> found = find(name);
        if (found.isPresent()) {
            return found.get();
        }
        String why = name + " is not installed (not on PATH). Install Prometheus 2.x, e.g. on Debian/Ubuntu: "
                + "apt-get install -y prometheus";
        if (inCi()) {
            fail(why + ". CI=true: these tests must run in CI, never skip.");
        }
        Assumptions.abort(why + ". Skipped because CI is not set; in CI this fails.");
        throw new AssertionError("unreachable");
    }

    /** What a finished process said and its exit code. */
    record Result(int code, String output) {
    }

    /** Runs promtool with {@code args} in {@code dir}, feeding {@code stdin} if not null. */
    static Result promtool(Path dir, String stdin, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(require("promtool").toString());
        cmd.addAll(List.of(args));
        Path out = Files.createTempFile("promtool", ".out");
        try {
            ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true)
                    .redirectOutput(out.toFile());
            if (stdin == null) {
                pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
            }
            Process p = pb.start();
            if (stdin != null) {
                try (var in = p.getOutputStream()) {
                    in.write(stdin.getBytes(StandardCharsets.UTF_8));
                }
            }
            if (!p.waitFor(120, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                fail("promtool " + String.join(" ", args) + " did not finish in 120 s");
            }
            return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
        }
    }
}
