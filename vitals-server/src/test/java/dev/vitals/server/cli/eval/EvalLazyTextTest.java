package dev.vitals.server.cli.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Number columns are read from the bytes without their text; a column that is also a label keeps it. */
class EvalLazyTextTest {
    @TempDir
    Path tmp;

    @Test
    void aColumnReadAsLabelAndScoreGivesTheSameReportAsTwoCopies() throws Exception {
        StringBuilder one = new StringBuilder("actual,predicted,score\n");
        StringBuilder two = new StringBuilder("actual,predicted,score,label\n");
        for (int i = 0; i < 50; i++) {
            int y = i % 3 == 0 ? 1 : 0;
            one.append(i % 2).append(',').append(y).append(',').append(y).append('\n');
            two.append(i % 2).append(',').append(y).append(',').append(y).append(',').append(y).append('\n');
        }
        Path a = Files.writeString(tmp.resolve("one.csv"), one);
        Path b = Files.writeString(tmp.resolve("two.csv"), two);
        EvalRun same = EvalRun.eval(a, "--task", "classification", "--label-col", "score", "--score-col", "score",
                "--json");
        EvalRun copies = EvalRun.eval(b, "--task", "classification", "--label-col", "label", "--score-col", "score",
                "--json");
        assertThat(same.exitCode()).as(same.err()).isZero();
        assertThat(same.out()).isEqualTo(copies.out());
    }

    @Test
    void aRegressionValueThatIsNotANumberIsQuotedFromItsBytes() throws Exception {
        Path f = Files.writeString(tmp.resolve("r.csv"), "actual,predicted\n1.5,2.5\n2.25,x7\n");
        EvalRun r = EvalRun.eval(f, "--task", "regression");
        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains("line 3, column 2 (\"predicted\"): \"x7\" is not a number");
    }
}
