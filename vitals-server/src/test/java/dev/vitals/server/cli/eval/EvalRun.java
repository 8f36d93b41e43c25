package dev.vitals.server.cli.eval;

import dev.vitals.server.cli.VitalsCli;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import picocli.CommandLine;

/** Runs {@code vitals ...} in-process through picocli with captured stdout and stderr. */
record EvalRun(int exitCode, String out, String err) {

    static EvalRun vitals(String... args) {
        CommandLine cmd = new CommandLine(new VitalsCli());
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        cmd.setOut(new PrintWriter(out, true));
        cmd.setErr(new PrintWriter(err, true));
        int code = cmd.execute(args);
        return new EvalRun(code, out.toString(), err.toString());
    }

    /** {@code vitals eval FILE args...}. */
    static EvalRun eval(Path file, String... args) {
        List<String> all = new ArrayList<>();
        all.add("eval");
        all.add(file.toString());
        all.addAll(Arrays.asList(args));
        return vitals(all.toArray(new String[0]));
    }

    /** A file under src/test/resources/eval. */
    static Path resource(String name) {
        try {
            return Path.of(EvalRun.class.getResource("/eval/" + name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("missing test resource eval/" + name, e);
        }
    }
}
