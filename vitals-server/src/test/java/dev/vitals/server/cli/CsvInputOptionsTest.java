package dev.vitals.server.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The CSV input options, one definition shared by {@code eval} and {@code drift}. */
class CsvInputOptionsTest {
    @TempDir
    Path tmp;

    private static String[] run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new VitalsCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        int code = cli.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }

    @Test
    void bothCommandsRefuseAColumnCapBelowOneAsAUsageError() throws Exception {
        Path f = Files.writeString(tmp.resolve("a.csv"), "actual,predicted\n1,1\n0,0\n");
        for (String[] args : new String[][] {
            {"eval", f.toString(), "--task", "classification", "--max-columns", "0"},
            {"drift", f.toString(), f.toString(), "--max-columns", "-3"}}) {
            String[] r = run(args);
            assertThat(r[0]).as(args[0]).isEqualTo("2");
            assertThat(r[2]).as(args[0]).contains("--max-columns must be at least 1, got " + args[args.length - 1]);
            assertThat(r[1]).as(args[0]).isEmpty();
        }
        String[] wrongType = run("drift", f.toString(), f.toString(), "--max-columns", "many");
        assertThat(wrongType[0]).isEqualTo("2");
        assertThat(wrongType[2]).contains("--max-columns").contains("many");
    }

    @Test
    void bothCommandsDescribeTheOptionsAlike() {
        String eval = run("eval", "--help")[1].replaceAll("\\s+", " ");
        String drift = run("drift", "--help")[1].replaceAll("\\s+", " ");
        for (String help : new String[] {eval, drift}) {
            assertThat(help).contains("--max-columns=N").contains("Refuse a file whose header has more columns than")
                    .contains("--progress").contains("for files of 16 MiB or more");
        }
    }

    @Test
    void theCapApplies() throws Exception {
        Path f = Files.writeString(tmp.resolve("w.csv"), "a,b,c\n1,2,3\n");
        String[] r = run("drift", f.toString(), f.toString(), "--max-columns", "2");
        assertThat(r[0]).isEqualTo("2");
        assertThat(r[2]).contains("the header has more than 2 columns (--max-columns)");
    }
}
