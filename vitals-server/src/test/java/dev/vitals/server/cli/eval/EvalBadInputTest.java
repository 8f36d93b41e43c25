package dev.vitals.server.cli.eval;

import dev.vitals.server.csv.CsvValues;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * Bad input to {@code vitals eval}: a clear message on stderr naming the line (1-based, header =
 * line 1) and column, exit code 1 for bad data and 2 for usage, and nothing on stdout.
 */
class EvalBadInputTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private static EvalRun failing(int code, Path file, String... args) {
        EvalRun run = EvalRun.eval(file, args);
        assertThat(run.exitCode()).as(run.err()).isEqualTo(code);
        assertThat(run.out()).as("nothing on stdout").isEmpty();
        return run;
    }

    private static final String[] BINARY = {"--task", "classification", "--score-col", "score", "--positive", "1"};
    private static final String[] PROBA = {"--task", "classification", "--proba-cols", "p_a,p_b,p_c"};
    private static final String[] REGRESSION = {"--task", "regression"};

    static Stream<Arguments> badRows() {
        String binary = "actual,predicted,score\n1,1,0.9\n0,0,0.2\n";
        String proba = "actual,predicted,p_a,p_b,p_c\na,a,0.5,0.25,0.25\nb,b,0.1,0.8,0.1\n";
        String regression = "actual,predicted\n1.5,1.25\n-2,-1e-3\n";
        return Stream.of(
                Arguments.of("wrong column count (fewer)", binary + "1,0\n", BINARY,
                        "line 4: has 2 columns, but the header (line 1) has 3"),
                Arguments.of("wrong column count (more)", binary + "1,0,0.5,x\n", BINARY,
                        "line 4: has 4 columns, but the header (line 1) has 3"),
                Arguments.of("text in the score column", binary + "1,0,high\n", BINARY,
                        "line 4, column 3 (\"score\"): \"high\" is not a number"),
                Arguments.of("empty score", binary + "1,0,\n", BINARY,
                        "line 4, column 3 (\"score\"): empty, expected a number"),
                Arguments.of("NaN score", binary + "1,0,NaN\n", BINARY,
                        "line 4, column 3 (\"score\"): \"NaN\" is not a finite number"),
                Arguments.of("nan score", binary + "1,0,nan\n", BINARY,
                        "line 4, column 3 (\"score\"): \"nan\" is not a finite number"),
                Arguments.of("inf score", binary + "1,0,inf\n", BINARY,
                        "line 4, column 3 (\"score\"): \"inf\" is not a finite number"),
                Arguments.of("-Infinity score", binary + "1,0,-Infinity\n", BINARY,
                        "line 4, column 3 (\"score\"): \"-Infinity\" is not a finite number"),
                Arguments.of("overflowing score", binary + "1,0,1e999\n", BINARY,
                        "line 4, column 3 (\"score\"): \"1e999\" is not a finite number (out of a double's range)"),
                // plain digits past a double's range: refused at the cell like 1e999, not read as Infinity
                Arguments.of("overflowing plain score", binary + "1,0," + "1" + "0".repeat(400) + "\n", BINARY,
                        "line 4, column 3 (\"score\"): \"1" + "0".repeat(400) + "\" is not a finite number (out of a double's range)"),
                Arguments.of("overflowing plain actual", regression + "1" + "0".repeat(400) + ",1\n", REGRESSION,
                        "line 4, column 1 (\"actual\"): \"1" + "0".repeat(400) + "\" is not a finite number (out of a double's range)"),
                Arguments.of("hexadecimal score", binary + "1,0,0x1p-1\n", BINARY,
                        "line 4, column 3 (\"score\"): \"0x1p-1\" is not a number"),
                Arguments.of("score above 1", binary + "1,0,1.5\n", BINARY,
                        "line 4, column 3 (\"score\"): score 1.5 is outside [0, 1]"),
                Arguments.of("negative score", binary + "1,0,-0.01\n", BINARY,
                        "line 4, column 3 (\"score\"): score -0.01 is outside [0, 1]"),
                Arguments.of("empty label", binary + ",0,0.5\n", BINARY,
                        "line 4, column 1 (\"actual\"): empty, expected a label"),
                Arguments.of("a third binary label", binary + "1,2,0.5\n", BINARY,
                        "line 4, column 2 (\"predicted\"): a third label \"2\"; a binary task (--score-col,"
                                + " --positive) has two: \"0\" and \"1\""),
                Arguments.of("probability above 1", proba + "c,c,0,-0.5,1.5\n", PROBA,
                        "line 4, column 4 (\"p_b\"): probability -0.5 is outside [0, 1]"),
                Arguments.of("probability as text", proba + "c,c,0,zero,1\n", PROBA,
                        "line 4, column 4 (\"p_b\"): \"zero\" is not a number"),
                Arguments.of("probability NaN", proba + "c,c,0,0,NaN\n", PROBA,
                        "line 4, column 5 (\"p_c\"): \"NaN\" is not a finite number"),
                Arguments.of("probabilities not summing to 1", proba + "c,c,0.2,0.2,0.2\n", PROBA,
                        "line 4, columns 3 (\"p_a\"), 4 (\"p_b\"), 5 (\"p_c\") (--proba-cols): probabilities sum to"
                                + " 0.6000000000000001, not 1 (tolerance 1e-6)"),
                Arguments.of("label without a probability column", proba + "d,c,0,0,1\n", PROBA,
                        "line 4, column 1 (\"actual\"): label \"d\" has no probability column; the classes"
                                + " (--proba-cols) are [a, b, c]"),
                Arguments.of("regression text", regression + "3,three\n", REGRESSION,
                        "line 4, column 2 (\"predicted\"): \"three\" is not a number"),
                Arguments.of("regression NaN", regression + "NaN,3\n", REGRESSION,
                        "line 4, column 1 (\"actual\"): \"NaN\" is not a finite number"),
                Arguments.of("regression infinity", regression + "3,+inf\n", REGRESSION,
                        "line 4, column 2 (\"predicted\"): \"+inf\" is not a finite number"),
                Arguments.of("unclosed quote", binary + "1,\"0,0.5\n", BINARY, "line 4: not valid CSV"),
                Arguments.of("a quoted value spanning lines counts its lines",
                        "actual,predicted,score,note\n1,1,0.9,\"two\nlines\"\n0,0,0.2,x\n\n1,1,bad,x\n",
                        new String[] {"--task", "classification", "--score-col", "score"},
                        "line 6, column 3 (\"score\"): \"bad\" is not a number"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("badRows")
    void badRowNamesLineAndColumn(String what, String content, String[] args, String message) throws IOException {
        Path f = write("bad.csv", content);
        EvalRun run = failing(1, f, args);
        assertThat(run.err()).startsWith("vitals eval: " + f + ": " + message);
        assertThat(run.err().lines().count()).isEqualTo(1);
    }

    @Test
    void errorAfterTheFirstChunksNamesTheLineAndPrintsNothing() throws IOException {
        StringBuilder b = new StringBuilder("actual,predicted,score\n");
        for (int i = 0; i < 3 * EvalCommand.CHUNK; i++) {
            b.append(i % 2).append(',').append(i % 3 == 0 ? 1 : 0).append(",0.").append(i % 10).append('\n');
        }
        b.append("1,1,1.0000001\n");
        EvalRun run = failing(1, write("long.csv", b.toString()), BINARY);
        assertThat(run.err()).contains(": line " + (3 * EvalCommand.CHUNK + 2)
                + ", column 3 (\"score\"): score 1.0000001 is outside [0, 1]");
    }

    @Test
    void libraryRejectionsAreMappedToLines() throws IOException {
        // more distinct labels than the library's limit (1,000): found when the chunk is handed over
        StringBuilder b = new StringBuilder("actual,predicted\n");
        for (int i = 0; i < 1005; i++) {
            b.append("x").append(i).append(",x0\n");
        }
        EvalRun run = failing(1, write("labels.csv", b.toString()), "--task", "classification");
        assertThat(run.err()).contains(": line 1002: label \"x1000\" would exceed the limit of 1000 distinct labels");
        // the chunk is checked by the library while the next one is read: its error still comes first
        for (int i = 1005; i < EvalCommand.CHUNK + 100; i++) {
            b.append("x0,x0\n");
        }
        b.append("x0,x0,x0\n");
        EvalRun both = failing(1, write("labels.csv", b.toString()), "--task", "classification");
        assertThat(both.err()).contains(": line 1002: label \"x1000\" would exceed")
                .doesNotContain("columns");
    }

    @Test
    void missingFileIsExit2() {
        Path f = dir.resolve("nope.csv");
        EvalRun run = failing(2, f, BINARY);
        assertThat(run.err()).isEqualTo("vitals eval: " + f + ": no such file" + System.lineSeparator());
    }

    @Test
    void directoryIsExit2() {
        EvalRun run = failing(2, dir, BINARY);
        assertThat(run.err()).contains("is a directory");
    }

    @Test
    void missingColumnsAreNamedWithTheHeader() throws IOException {
        Path f = write("cols.csv", "label,pred,p\n1,1,0.5\n");
        EvalRun run = failing(2, f, BINARY);
        assertThat(run.err()).isEqualTo("vitals eval: " + f + ": missing columns \"actual\" (--label-col),"
                + " \"predicted\" (--pred-col), \"score\" (--score-col); the header has 3 columns: \"label\","
                + " \"pred\", \"p\"" + System.lineSeparator());
    }

    @Test
    void missingProbabilityColumn() throws IOException {
        Path f = write("cols.csv", "actual,predicted,p_a,p_b\na,a,0.5,0.5\n");
        EvalRun run = failing(2, f, PROBA);
        assertThat(run.err()).contains(": missing column \"p_c\" (--proba-cols); the header has 4 columns:"
                + " \"actual\", \"predicted\", \"p_a\", \"p_b\"");
    }

    @Test
    void duplicateColumnIsAmbiguous() throws IOException {
        EvalRun run = failing(2, write("dup.csv", "actual,predicted,actual\n1,1,0\n"), "--task", "classification");
        assertThat(run.err()).contains("column \"actual\" appears twice in the header (line 1), as columns 1 and 3");
    }

    @Test
    void emptyFileAndHeaderOnly() throws IOException {
        EvalRun empty = failing(1, write("empty.csv", ""), BINARY);
        assertThat(empty.err()).contains(": line 1: no header row: the file is empty");
        EvalRun header = failing(1, write("header.csv", "actual,predicted,score\n\n"), BINARY);
        assertThat(header.err()).contains(": no data rows after the header (line 1)");
    }

    @Test
    void invalidUtf8() throws IOException {
        Path f = dir.resolve("latin1.csv");
        Files.write(f, "actual,predicted\ncaf\u00e9,x\n".getBytes(StandardCharsets.ISO_8859_1));
        EvalRun run = failing(1, f, "--task", "classification");
        assertThat(run.err()).contains(": line 2: not valid UTF-8 (byte 21 of the file)");
        // far beyond the decoder's buffer
        java.io.ByteArrayOutputStream b = new java.io.ByteArrayOutputStream();
        b.writeBytes("actual,predicted\n".getBytes(StandardCharsets.UTF_8));
        for (int i = 0; i < 20_000; i++) {
            b.writeBytes("caf\u00e9,caf\u00e9\n".getBytes(StandardCharsets.UTF_8));
        }
        b.writeBytes(new byte[] {'x', (byte) 0xC3, '\n'});
        Files.write(f, b.toByteArray());
        assertThat(failing(1, f, "--task", "classification").err()).contains(": line 20002: not valid UTF-8");
    }

    @Test
    void oneLabelWithoutPositiveIsAmbiguous() throws IOException {
        EvalRun run = failing(1, write("one.csv", "actual,predicted,score\nyes,yes,0.9\nyes,yes,0.8\n"),
                "--task", "classification", "--score-col", "score");
        assertThat(run.err()).contains("only the label \"yes\" occurs, so the positive label is ambiguous;"
                + " name it with --positive");
        EvalRun ok = EvalRun.eval(dir.resolve("one.csv"), "--task", "classification", "--score-col", "score",
                "--positive", "yes");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).contains("rows      2 (binary, positive label \"yes\")").contains("ROC AUC   n/a");
    }

    @Test
    void unknownTaskListsTheValidOnes() throws IOException {
        EvalRun run = failing(2, write("x.csv", "actual,predicted\n1,1\n"), "--task", "ranking");
        assertThat(run.err()).contains("Invalid value for option '--task'")
                .contains("expected one of [classification, regression, llm]").contains("but was 'ranking'");
    }

    @Test
    void aMissingTaskIsInferredWhenTheColumnsLeaveNoDoubtElseAUsageError() throws IOException {
        EvalRun run = failing(2, write("x.csv", "actual,predicted\n1,1\n0,1\n"));
        assertThat(run.err()).contains("give --task classification or --task regression")
                .contains("hold whole numbers only, which may be classes or values");
        EvalRun reg = EvalRun.eval(write("r.csv", "actual,predicted\n1.5,1.25\n2,2.5\n3,2.75\n"));
        assertThat(reg.exitCode()).as(reg.err()).isZero();
        assertThat(reg.out()).startsWith("vitals eval: regression,").contains("RMSE");
        EvalRun cls = EvalRun.eval(write("c.csv", "actual,predicted\ncat,dog\ndog,dog\n"));
        assertThat(cls.exitCode()).as(cls.err()).isZero();
        assertThat(cls.out()).startsWith("vitals eval: classification,").contains("accuracy  0.500000");
        EvalRun bin = EvalRun.eval(write("b.csv", "actual,predicted,score\n1,1,0.9\n0,0,0.2\n1,0,0.4\n"), "--score-col", "score");
        assertThat(bin.exitCode()).as(bin.err()).isZero();
        assertThat(bin.out()).startsWith("vitals eval: classification,").contains("ROC AUC");
    }

    @Test
    void conflictingOptionsAreUsageErrors() throws IOException {
        Path f = write("x.csv", "actual,predicted\n1,1\n");
        assertThat(failing(2, f, "--task", "regression", "--score-col", "s").err())
                .contains("--score-col only apply to --task classification");
        assertThat(failing(2, f, "--task", "classification", "--score-col", "s", "--proba-cols", "a,b").err())
                .contains("give --score-col (binary) or --proba-cols (multiclass), not both");
        assertThat(failing(2, f, "--task", "classification", "--proba-cols", "p_a").err())
                .contains("--proba-cols needs a column for each of at least 2 classes, got 1");
        assertThat(failing(2, f, "--task", "classification", "--proba-cols", "p_a,a=p_b").err())
                .contains("--proba-cols: class \"a\" appears twice");
        assertThat(failing(2, f, "--task", "classification", "--auc-bins", "5").err())
                .contains("--auc-bins must be in [10, 100000], got 5");
    }

    @Test
    void blankLinesAreSkippedAndLinesStillCount() throws IOException {
        Path f = write("blank.csv", "\nactual;predicted\n\na;a\n\nb;a\n\n\nb;\n");
        EvalRun run = failing(1, f, "--task", "classification");
        assertThat(run.err()).contains(": line 9, column 2 (\"predicted\"): empty, expected a label");
        Files.writeString(f, "actual;predicted\n\na;a\n\nb;a\n\n");
        EvalRun ok = EvalRun.eval(f, "--task", "classification", "--json");
        assertThat(ok.exitCode()).isZero();
        assertThat(ok.out()).contains("\"count\" : 2");
    }

    @Test
    void delimiterIsTheCommonestOutsideQuotes() throws IOException {
        assertThat(sniff("a,b,c\n1,2,3")).isEqualTo(',');
        assertThat(sniff("a;b;c\n1,5;2,5;3")).isEqualTo(';');
        assertThat(sniff("a\tb\tc")).isEqualTo('\t');
        assertThat(sniff("\"x,y,z\";b")).isEqualTo(';');
        assertThat(sniff("a;b,c")).isEqualTo(',');
        assertThat(sniff("a;b\tc")).isEqualTo(';');
        assertThat(sniff("single")).isEqualTo(',');
    }

    private static char sniff(String header) throws IOException {
        return CsvValues.sniffDelimiter(header.getBytes(StandardCharsets.UTF_8), 0);
    }
}
