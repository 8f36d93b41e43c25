package dev.vitals.server.csv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The one CSV reader on malformed and unusual input: every problem names the file, the line and what is wrong. */
class CsvReaderTest {
    @TempDir
    Path dir;

    private Path file(String name, byte[] bytes) throws IOException {
        Path p = dir.resolve(name);
        Files.write(p, bytes);
        return p;
    }

    private Path file(String name, String text) throws IOException {
        return file(name, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Every row as read, each prefixed by its line. */
    private static List<String> rows(CsvReader r) throws IOException {
        List<String> out = new ArrayList<>();
        String[] f = new String[r.header().size()];
        int n;
        while ((n = r.next(f)) >= 0) {
            out.add(r.line() + ":" + String.join("|", Arrays.copyOf(f, Math.min(n, f.length))) + (n != f.length
                    ? " (" + n + " fields)" : ""));
        }
        return out;
    }

    private static CsvReader open(Path p) throws IOException {
        return CsvReader.open(p, p.getFileName().toString());
    }

    @Test
    void crlfAndLfQuotesSpanningLinesAndBlankLines() throws IOException {
        Path p = file("q.csv", "\r\na,b\r\n1,\"x,\"\"y\"\"\"\r\n\r\n2,\"two\nlines\"\n3,z\n");
        try (CsvReader r = open(p)) {
            assertThat(r.header()).containsExactly("a", "b");
            assertThat(r.headerLine()).isEqualTo(2);
            assertThat(rows(r)).containsExactly("3:1|x,\"y\"", "5:2|two\nlines", "7:3|z");
        }
    }

    @Test
    void semicolonAndTabDelimitersAndBom() throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {(byte) 0xEF, (byte) 0xBB, (byte) 0xBF});
        b.writeBytes("a;b\n1,5;2\n".getBytes(StandardCharsets.UTF_8));
        try (CsvReader r = open(file("semi.csv", b.toByteArray()))) {
            assertThat(r.bom()).isTrue();
            assertThat(r.delimiter()).isEqualTo(';');
            assertThat(r.header()).containsExactly("a", "b"); // the BOM is not part of the first name
            assertThat(rows(r)).containsExactly("2:1,5|2");
        }
        try (CsvReader r = open(file("tab.tsv", "a\tb\tc\n1\t2\t3\n"))) {
            assertThat(r.delimiter()).isEqualTo('\t');
            assertThat(rows(r)).containsExactly("2:1|2|3");
        }
    }

    @Test
    void raggedRowsAreCountedAndTypedColumnsRefuseThem() throws IOException {
        Path p = file("ragged.csv", "a,b\n1,2\n3\n4,5,6\n");
        try (CsvReader r = open(p)) {
            assertThat(rows(r)).containsExactly("2:1|2", "3:3 (1 fields)", "4:4|5 (3 fields)");
        }
        assertThatThrownBy(() -> CsvColumns.read(p, "ragged.csv", Set.of(), Progress.NONE))
                .isInstanceOf(CsvInputException.class)
                .hasMessage("ragged.csv line 3: 1 field, but the header has 2 columns");
    }

    @Test
    void badQuoteNamesItsLine() throws IOException {
        Path p = file("quote.csv", "a,b\n1,2\n3,\"open\n");
        try (CsvReader r = open(p)) {
            assertThatThrownBy(() -> rows(r)).isInstanceOf(CsvInputException.class)
                    .hasMessageStartingWith("quote.csv line 3: not valid CSV")
                    .satisfies(e -> assertThat(((CsvInputException) e).line()).isEqualTo(3));
        }
    }

    @Test
    void emptyFileHeaderOnlyAndOnlyBlankLines() throws IOException {
        for (String body : new String[] {"", "\n\n  \n"}) {
            Path p = file("empty.csv", body);
            assertThatThrownBy(() -> open(p)).isInstanceOf(CsvInputException.class)
                    .hasMessage("empty.csv line 1: no header row: the file is empty");
        }
        try (CsvReader r = open(file("header.csv", "a,b\n"))) {
            assertThat(r.header()).containsExactly("a", "b");
            assertThat(rows(r)).isEmpty();
        }
        CsvColumns c = CsvColumns.read(file("header2.csv", "a,b\r\n"), "header2.csv", Set.of(), Progress.NONE);
        assertThat(c.rows()).isZero();
        assertThat(c.columns().get("a").kind()).isEqualTo(CsvColumns.Kind.EMPTY);
    }

    @Test
    void oversizedHeaderStopsAtTheCap() throws IOException {
        StringBuilder wide = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            wide.append(i == 0 ? "" : ",").append('c').append(i);
        }
        Path p = file("wide.csv", wide + "\n");
        assertThatThrownBy(() -> CsvReader.open(CsvReader.Source.of(p, "wide.csv"), StandardCharsets.UTF_8, 100,
                Progress.NONE.start("wide.csv", 0)))
                .isInstanceOf(CsvInputException.class)
                .hasMessage("wide.csv line 1: the header has more than 100 columns (--max-columns); is this the"
                        + " right file?");
    }

    @Test
    void encodings() throws IOException {
        Path utf16 = file("u16.csv", "a,b\n1,2\n".getBytes(StandardCharsets.UTF_16));
        assertThatThrownBy(() -> open(utf16)).isInstanceOf(CsvInputException.class)
                .hasMessage("u16.csv is UTF-16 (byte-order mark FE FF); save it as UTF-8")
                .satisfies(e -> assertThat(((CsvInputException) e).line()).isZero());
        Path latin1 = file("l1.csv", "city,n\nz\u00fcrich,1\n".getBytes(StandardCharsets.ISO_8859_1));
        // the decoder reads ahead of the parser: a small file fails while its header is read, at the right line
        assertThatThrownBy(() -> rows(open(latin1))).isInstanceOf(CsvInputException.class)
                .hasMessage("l1.csv line 2: not valid UTF-8 (byte 9 of the file)")
                .satisfies(e -> assertThat(((CsvInputException) e).invalidEncoding()).isTrue());
        // drift's rule: read again as Latin-1
        CsvColumns c = CsvColumns.read(latin1, "l1.csv", Set.of(), Progress.NONE);
        assertThat(c.charset()).isEqualTo(StandardCharsets.ISO_8859_1);
        assertThat(c.columns().get("city").texts()).containsExactly("z\u00fcrich");
    }

    @Test
    void nullsNumbersNanAndInfinity() throws IOException {
        Path p = file("n.csv", "x,y\n1,a\n NA ,b\nNaN,\ninf,null\n-Infinity,c\n2e-3,d\n");
        CsvColumns c = CsvColumns.read(p, "n.csv", Set.of(), Progress.NONE);
        CsvColumns.Column x = c.columns().get("x");
        assertThat(x.kind()).isEqualTo(CsvColumns.Kind.NUMERIC);
        assertThat(x.numbers()).containsExactly(1, Double.NaN, Double.NaN, Double.POSITIVE_INFINITY,
                Double.NEGATIVE_INFINITY, 0.002);
        assertThat(x.nulls()).isEqualTo(4); // NA, NaN, and ±infinity, which the drift tests count as nulls
        CsvColumns.Column y = c.columns().get("y");
        assertThat(y.kind()).isEqualTo(CsvColumns.Kind.TEXT);
        assertThat(y.texts()).containsExactly("a", "b", null, null, "c", "d");
        assertThat(CsvValues.isNumber("1.2.3")).isFalse();
        assertThat(CsvValues.isNumber("0x10")).isFalse();
        assertThat(CsvValues.isNumber("1,5")).isFalse();
        assertThat(CsvValues.isNumber(" +.5e+3 ")).isTrue();
        assertThat(CsvValues.parseNumber(" +.5e+3 ")).isEqualTo(500.0);
    }

    @Test
    void plainDecimalsParseToTheSameDoubleAsTheGeneralRule() {
        java.util.Random r = new java.util.Random(7);
        int fast = 0;
        for (int i = 0; i < 200_000; i++) {
            double x = r.nextGaussian() * Math.pow(10, r.nextInt(12) - 4);
            String s = String.format(java.util.Locale.ROOT, "%." + r.nextInt(12) + "f", x);
            double plain = CsvValues.parsePlainDecimal(s);
            if (Double.isNaN(plain)) {
                assertThat(s.replaceAll("[^0-9]", "").replaceFirst("^0+", "").length()).as(s).isGreaterThan(15);
                continue; // more digits than the fast path takes: the general rule parses it
            }
            fast++;
            assertThat(Double.doubleToRawLongBits(plain)).as(s)
                    .isEqualTo(Double.doubleToRawLongBits(CsvValues.parseNumber(s)));
        }
        assertThat(fast).isGreaterThan(150_000);
        for (String s : new String[] {"0.6536845163838487", "-0.0", "+4", ".5", "5.", "9007199254740992"}) {
            assertThat(CsvValues.parsePlainDecimal(s) == CsvValues.parseNumber(s)
                    || Double.isNaN(CsvValues.parsePlainDecimal(s))).as(s).isTrue();
        }
        for (String s : new String[] {"", " 1", "1 ", "1e3", "NaN", "inf", "1.2.3", "-", ".", "0x10", "1,5"}) {
            assertThat(CsvValues.parsePlainDecimal(s)).as(s).isNaN(); // left to the general rules
        }
        assertThat(Double.doubleToRawLongBits(CsvValues.parsePlainDecimal("-0.0")))
                .isEqualTo(Double.doubleToRawLongBits(-0.0));
    }

    @Test
    void missingFileAndDirectory() {
        assertThatThrownBy(() -> open(dir.resolve("nope.csv"))).isInstanceOf(CsvInputException.class)
                .hasMessage("nope.csv: no such file");
        assertThatThrownBy(() -> CsvReader.open(dir, "d")).isInstanceOf(CsvInputException.class)
                .hasMessage("d is a directory, not a CSV file");
    }

    @Test
    void bytesInMemoryReadTheSameWay() throws IOException {
        byte[] body = "\uFEFFa;b\r\n1;x\r\n".getBytes(StandardCharsets.UTF_8);
        CsvColumns c = CsvColumns.read(CsvReader.Source.of(body, "the reference"), Set.of(), Progress.NONE,
                CsvReader.DEFAULT_MAX_COLUMNS);
        assertThat(c.names()).containsExactly("a", "b");
        assertThat(c.bom()).isTrue();
        assertThat(c.columns().get("a").numbers()).containsExactly(1.0);
        assertThat(c.columns().get("b").texts()).containsExactly("x");
    }
}
