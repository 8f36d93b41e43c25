package dev.vitals.server.csv;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The fast path reads every input as the full parser does: the same header, rows, fields, lines and errors,
 * on generated inputs that mix plain rows with everything that ends the fast path.
 */
class PlainRowsTest {
    private static final String[] PIECES = {"1", "0.25", "-3.5", "abc", "x y", " ", "", "\t", "é", "\"q,\"\"x\"\"\"",
        "\"multi\nline\"", "NA", "1e3", "\u0001", "\"", "z\"z"};
    private static final String[] ENDS = {"\n", "\r\n", "\n\n", "\r\n\r\n", "\r", "\n  \n", "\n\t\n"};

    /** What a reader gives: header, then per row its line and fields, or the error's message. */
    private static List<String> readAll(byte[] bytes, boolean fast, int width) {
        List<String> out = new ArrayList<>();
        try (CsvReader r = CsvReader.open(CsvReader.Source.of(bytes, "t.csv"), StandardCharsets.UTF_8, 50,
                Progress.NONE.start("t.csv", 0), fast)) {
            out.add("header@" + r.headerLine() + " " + r.header());
            String[] fields = new String[width];
            int n;
            while ((n = r.next(fields)) >= 0) {
                out.add(r.line() + ": " + n + " " + Arrays.asList(fields).subList(0, Math.min(n, width)));
            }
        } catch (IOException e) {
            out.add("error: " + e.getMessage());
        }
        return out;
    }

    @Test
    void generatedInputsReadTheSameOnBothPaths() {
        Random rnd = new Random(42);
        for (int t = 0; t < 3000; t++) {
            StringBuilder b = new StringBuilder();
            if (rnd.nextInt(5) == 0) {
                b.append("\n");
            }
            int cols = 1 + rnd.nextInt(4);
            char delim = new char[] {',', ';', '\t'}[rnd.nextInt(3)];
            for (int c = 0; c < cols; c++) {
                b.append(c == 0 ? "" : String.valueOf(delim)).append("c").append(c);
            }
            int rows = rnd.nextInt(8);
            boolean plainOnly = rnd.nextBoolean();
            for (int i = 0; i < rows; i++) {
                b.append(plainOnly ? (rnd.nextBoolean() ? "\n" : "\r\n") : ENDS[rnd.nextInt(ENDS.length)]);
                int k = rnd.nextInt(10) == 0 ? cols + 1 - rnd.nextInt(2) * 2 : cols;
                for (int c = 0; c < k; c++) {
                    String p = PIECES[rnd.nextInt(plainOnly ? 8 : PIECES.length)];
                    b.append(c == 0 ? "" : String.valueOf(delim)).append(plainOnly && p.isBlank() ? "7" : p);
                }
            }
            if (rnd.nextBoolean()) {
                b.append(rnd.nextBoolean() ? "\n" : "\r\n");
            }
            byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
            assertThat(readAll(bytes, true, 3)).as("input %s", b.toString().replace("\r", "\\r").replace("\n", "\\n"))
                    .isEqualTo(readAll(bytes, false, 3));
        }
    }

    @Test
    void rowsLongerThanTheBufferAndRowsSplitAcrossReads() {
        StringBuilder b = new StringBuilder("a,b\n");
        Random rnd = new Random(3);
        for (int i = 0; i < 20_000; i++) {
            b.append(rnd.nextInt(1000)).append(',').append("v".repeat(rnd.nextInt(i % 1000 == 0 ? 70_000 : 20)))
                    .append(i % 7 == 0 ? "\r\n" : "\n");
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        assertThat(readAll(bytes, true, 2)).isEqualTo(readAll(bytes, false, 2));
        // a quoted value late in the file: the full parser takes over there, with the right lines
        byte[] late = (b + "1,\"x\ny\"\n2,\"open\n").getBytes(StandardCharsets.UTF_8);
        List<String> rows = readAll(late, true, 2);
        assertThat(rows).isEqualTo(readAll(late, false, 2));
        assertThat(rows.get(rows.size() - 1)).startsWith("error: t.csv line 20004: not valid CSV");
    }

    @Test
    void numbersFromTheBytesEqualTheTextsOwn() throws IOException {
        Random rnd = new Random(17);
        String[] forms = {"%d", "%.3f", "-%.6f", "+%.1f", "%.17f", "%.0f.", "%.22f", ".%d", "%d.%d.%d", "1e%d",
            "x%d", "", "-"};
        StringBuilder b = new StringBuilder("a,b,c\n");
        for (int i = 0; i < 5000; i++) {
            for (int c = 0; c < 3; c++) {
                String f = forms[rnd.nextInt(forms.length)];
                b.append(c == 0 ? "" : ",").append(String.format(java.util.Locale.ROOT, f,
                        f.contains("d") ? (Object) (long) rnd.nextInt(1_000_000) : (Object) (rnd.nextGaussian() * 1e4),
                        rnd.nextInt(10), rnd.nextInt(10)));
            }
            b.append(i == 4000 ? "\n\"q\",1,2\n" : "\n"); // the full parser from row 4001 on
        }
        byte[] bytes = b.toString().getBytes(StandardCharsets.UTF_8);
        try (CsvReader r = CsvReader.open(CsvReader.Source.of(bytes, "t.csv"), StandardCharsets.UTF_8, 50,
                Progress.NONE.start("t.csv", 0))) {
            String[] fields = new String[3];
            int rows = 0;
            while (r.next(fields) >= 0) {
                rows++;
                for (int k = 0; k < 3; k++) {
                    double fromBytes = r.plainDecimal(k);
                    if (rows <= 4001) {
                        assertThat(Double.doubleToRawLongBits(fromBytes)).as(fields[k])
                                .isEqualTo(Double.doubleToRawLongBits(CsvValues.parseDecimal(fields[k])));
                    } else {
                        assertThat(fromBytes).isNaN(); // the caller reads the text
                    }
                }
            }
            assertThat(rows).isEqualTo(5001);
        }
    }

    @Test
    void tooWideAHeaderFailsAsOnTheFullPath() {
        byte[] wide = ("c0" + ",c".repeat(60) + "\n1\n").getBytes(StandardCharsets.UTF_8);
        assertThat(readAll(wide, true, 1)).isEqualTo(readAll(wide, false, 1))
                .containsExactly("error: t.csv line 1: the header has more than 50 columns (--max-columns); is this"
                        + " the right file?");
    }
}
