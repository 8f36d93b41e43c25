package dev.vitals.server.cli.drift;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.drift.DatasetDrift;
import dev.vitals.drift.DriftDetector;
import dev.vitals.drift.FeatureType;
import dev.vitals.drift.RawColumns;
import dev.vitals.drift.StatTest;
import dev.vitals.server.cli.VitalsCli;
import dev.vitals.server.csv.CsvColumns;
import dev.vitals.server.csv.Progress;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code vitals drift} run in-process: scores equal SciPy's (the committed goldens of
 * src/test/python/gen_drift_cli_golden.py), whatever the delimiter, BOM or encoding of each file; every kind of bad
 * input gets a clear message and a non-zero exit.
 */
class DriftCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    record Run(int code, String out, String err) {
    }

    static Run drift(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cli = new CommandLine(new VitalsCli());
        cli.setOut(new PrintWriter(out, true));
        cli.setErr(new PrintWriter(err, true));
        List<String> all = new ArrayList<>();
        all.add("drift");
        all.addAll(List.of(args));
        int code = cli.execute(all.toArray(new String[0]));
        return new Run(code, out.toString(), err.toString());
    }

    static Path resource(String name) {
        try {
            return Path.of(DriftCommandTest.class.getResource("/drift-cli/" + name).toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode expected() throws Exception {
        return JSON.readTree(resource("expected.json").toFile());
    }

    /** |actual - expected| <= 1e-9, relative above 1 (as vitals-core's golden tests). */
    private static boolean close(double actual, double expected) {
        return Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected));
    }

    private Path write(String name, String content) throws Exception {
        Path p = tmp.resolve(name);
        Files.writeString(p, content, StandardCharsets.UTF_8);
        return p;
    }

    private JsonNode runJson(Path ref, Path cur, List<String> extra, int expectedCode) throws Exception {
        Path json = tmp.resolve("out-" + System.nanoTime() + ".json");
        List<String> args = new ArrayList<>(List.of(ref.toString(), cur.toString(), "--json", json.toString()));
        args.addAll(extra);
        Run r = drift(args.toArray(new String[0]));
        assertThat(r.code()).as(r.err()).isEqualTo(expectedCode);
        return JSON.readTree(json.toFile());
    }

    private static List<String> args(JsonNode c) {
        List<String> out = new ArrayList<>();
        c.get("args").forEach(a -> out.add(a.asText()));
        return out;
    }

    // ---- golden values ----

    @Test
    void scoresEqualScipysToOneInABillion() throws Exception {
        for (JsonNode c : expected().get("cases")) {
            String name = c.get("name").asText();
            JsonNode got = runJson(resource(c.get("reference").asText()), resource(c.get("current").asText()),
                    args(c), 0);
            JsonNode want = c.get("features");
            assertThat(got.get("features")).as(name).hasSize(want.size());
            for (JsonNode f : got.get("features")) {
                String col = f.get("feature").asText();
                JsonNode w = want.get(col);
                assertThat(w).as("%s: unexpected column %s", name, col).isNotNull();
                assertThat(f.get("test").asText()).as("%s.%s test", name, col).isEqualTo(w.get("test").asText());
                double score = f.get("score").asDouble();
                assertThat(close(score, w.get("score").asDouble()))
                        .as("%s.%s %s: %s vs SciPy %s", name, col, w.get("test").asText(), score, w.get("score"))
                        .isTrue();
                assertThat(f.get("scoreLower").asDouble()).isEqualTo(score);
                assertThat(f.get("scoreUpper").asDouble()).isEqualTo(score);
                assertThat(f.get("verdict").asText()).as("%s.%s verdict", name, col).isEqualTo(w.get("verdict").asText());
                for (String k : List.of("referenceCount", "currentCount", "referenceNulls", "currentNulls")) {
                    assertThat(f.get(k).asLong()).as("%s.%s %s", name, col, k).isEqualTo(w.get(k).asLong());
                }
                assertThat(f.get("reason").asText()).isEmpty();
            }
            assertThat(got.get("verdict").asText()).as(name).isEqualTo(c.get("verdict").asText());
            assertThat(got.get("driftedFeatures").asInt()).isEqualTo(c.get("driftedFeatures").asInt());
            assertThat(got.get("evaluatedFeatures").asInt()).isEqualTo(want.size());
            assertThat(got.get("driftShare").asDouble()).isEqualTo(c.get("driftShare").asDouble());
            assertThat(got.get("shareThreshold").asDouble()).isEqualTo(0.5);
        }
    }

    @Test
    void tablePrintsEveryColumnAndTheDatasetVerdict() {
        Run r = drift(resource("small-ref.csv").toString(), resource("small-cur.csv").toString(),
                "--test", "score=wasserstein", "--test", "tokens=jensenshannon");
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("small-ref.csv (300 rows, comma-separated, UTF-8)")
                .contains("small-cur.csv (260 rows, comma-separated, UTF-8)");
        List<String> lines = r.out().lines().toList();
        String header = lines.stream().filter(l -> l.startsWith("column")).findFirst().orElseThrow();
        assertThat(header.split("\\s{2,}")).containsExactly("column", "type", "test", "score", "drift if", "drifted",
                "ref n", "ref nulls", "cur n", "cur nulls", "note");
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("latency_ms").contains("numeric", "ks", "4.415e-06",
                "< 0.05", "yes", "292", "8", "247", "13"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("region").contains("categorical", "chisquare", "yes"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("cached").contains("categorical", "z", "0.2028", "no"));
        assertThat(lines).anySatisfy(l -> assertThat(l).startsWith("score").contains("wasserstein", "0.2213", ">= 0.1"));
        assertThat(r.out()).contains("Dataset: DRIFT - 4 of 5 tested columns drifted: 80% >= 50%");
    }

    @Test
    void parallelComparisonEqualsTheLibrarysOwn() throws Exception {
        CsvColumns ref = CsvColumns.read(resource("large-ref.csv"), "r", Set.of(), Progress.NONE);
        CsvColumns cur = CsvColumns.read(resource("large-cur.csv"), "c", Set.of(), Progress.NONE);
        List<DriftColumns.Pair> columns = new ArrayList<>();
        RawColumns.Builder rb = RawColumns.builder();
        RawColumns.Builder cb = RawColumns.builder();
        for (String n : ref.names()) {
            CsvColumns.Column r = ref.columns().get(n);
            CsvColumns.Column c = cur.columns().get(n);
            if (r.kind() == CsvColumns.Kind.NUMERIC) {
                columns.add(new DriftColumns.Pair(n, FeatureType.NUMERIC, r, c));
                rb.numeric(n, r.numbers());
                cb.numeric(n, c.numbers());
            } else {
                columns.add(new DriftColumns.Pair(n, FeatureType.CATEGORICAL, r, c));
                rb.categorical(n, r.texts());
                cb.categorical(n, c.texts());
            }
        }
        DriftColumns.Compared mine = DriftColumns.compare(columns, Map.of("ttft_s", StatTest.KS),
                Map.of("model", 0.05), 0.4);
        DatasetDrift library = DriftDetector.builder().test("ttft_s", "ks").threshold("model", 0.05).driftShare(0.4)
                .build().compare(rb.build(), cb.build());
        assertThat(mine.drift()).isEqualTo(library);
        assertThat(mine.notes()).hasSize(columns.size());
    }

    // ---- delimiters, BOM, encodings ----

    @Test
    void eachFileHasItsOwnDelimiterBomAndEncoding() throws Exception {
        JsonNode c = expected().get("cases").get(0);
        JsonNode plain = runJson(resource("small-ref.csv"), resource("small-cur.csv"), args(c), 0);

        String refText = Files.readString(resource("small-ref.csv"));
        String curText = Files.readString(resource("small-cur.csv"));
        Path ref = tmp.resolve("semicolon-bom.csv");
        byte[] body = refText.replace(',', ';').getBytes(StandardCharsets.UTF_8);
        byte[] withBom = new byte[body.length + 3];
        withBom[0] = (byte) 0xef;
        withBom[1] = (byte) 0xbb;
        withBom[2] = (byte) 0xbf;
        System.arraycopy(body, 0, withBom, 3, body.length);
        Files.write(ref, withBom);
        Path cur = tmp.resolve("tab-latin1.tsv");
        Files.write(cur, curText.replace(',', '\t').replace("\n", "\r\n").getBytes(StandardCharsets.ISO_8859_1));
        assertThat(curText).contains("zürich"); // so Latin-1 bytes (0xFC) really are invalid UTF-8 here

        JsonNode mixed = runJson(ref, cur, args(c), 0);
        assertThat(mixed).isEqualTo(plain);

        Run r = drift(ref.toString(), cur.toString(), "--test", "score=wasserstein", "--test", "tokens=jensenshannon");
        assertThat(r.out()).contains("semicolon-bom.csv (300 rows, semicolon-separated, UTF-8 with BOM)")
                .contains("tab-latin1.tsv (260 rows, tab-separated, Latin-1 (not valid UTF-8))");
        assertThat(r.err()).contains("tab-latin1.tsv is not valid UTF-8; read it as Latin-1 (ISO-8859-1)");

        // the categories read from Latin-1 are the same strings as from UTF-8: the same counts, no new category
        Run values = drift(ref.toString(), cur.toString(), "--html", tmp.resolve("l1.html").toString());
        assertThat(Files.readString(tmp.resolve("l1.html"))).contains("zürich", "genève", "münchen")
                .doesNotContain("\ufffd");
        assertThat(values.code()).isZero();
    }

    @Test
    void headerWithOnlySemicolonsInQuotesIsStillCommaSeparated() throws Exception {
        Path ref = write("q-ref.csv", "\"a;b\",c\n1,x\n2,y\n3,x\n");
        Path cur = write("q-cur.csv", "\"a;b\";c\n1;x\n2;y\n4;y\n");
        Run r = drift(ref.toString(), cur.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("q-ref.csv (3 rows, comma-separated").contains("q-cur.csv (3 rows, semicolon-separated")
                .contains("a;b ");
    }

    @Test
    void quotedFieldsMayHoldDelimitersQuotesAndNewlines() throws Exception {
        Path ref = write("nl-ref.csv", "id,comment\n1,\"hello, world\"\n2,\"say \"\"hi\"\"\"\n3,\"two\nlines\"\n4,plain\n");
        Path cur = write("nl-cur.csv", "id,comment\n1,plain\n2,\"hello, world\"\n3,other\n4,plain\n");
        Path html = tmp.resolve("nl.html");
        Run r = drift(ref.toString(), cur.toString(), "--html", html.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).contains("nl-ref.csv (4 rows");
        assertThat(Files.readString(html)).contains("hello, world", "say &quot;hi&quot;", "two\nlines");
    }

    @Test
    void numbersNullsAndInfinities() throws Exception {
        Path ref = write("n-ref.csv", "x\n1\n 2.5 \n-3e2\n.5\n+4\nNA\nnan\nNULL\n\"\"\ninf\n-Infinity\n7\n8\n");
        Path cur = write("n-cur.csv", "x\n1\n2\n3\n4\n5\n6\nN/A\n");
        Run r = drift(ref.toString(), cur.toString());
        // "N/A" is not a null marker: text in a column numeric in the other file
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("n-cur.csv line 8, column \"x\": \"N/A\" is not a number, but the column is "
                + "numeric in " + ref);

        Path cur2 = write("n-cur2.csv", "x\n1\n2\n3\n4\n5\n6\n");
        JsonNode j = runJson(ref, cur2, List.of(), 0);
        JsonNode f = j.get("features").get(0);
        assertThat(f.get("type").asText()).isEqualTo("NUMERIC");
        assertThat(f.get("referenceCount").asLong()).isEqualTo(7);
        assertThat(f.get("referenceNulls").asLong()).isEqualTo(6); // NA, nan, NULL, "", inf, -Infinity
        assertThat(f.get("test").asText()).isEqualTo("ks");
    }

    // ---- bad input ----

    @Test
    void missingFile() throws Exception {
        Path ref = write("ok.csv", "x\n1\n");
        Run r = drift(ref.toString(), tmp.resolve("nope.csv").toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("vitals drift: " + tmp.resolve("nope.csv") + ": no such file");
        assertThat(r.out()).isEmpty();
        Run missingArg = drift(ref.toString());
        assertThat(missingArg.code()).isEqualTo(2);
        assertThat(missingArg.err()).contains("Missing required parameter", "CURRENT.csv");
    }

    @Test
    void columnMissingFromOneFile() throws Exception {
        Path ref = write("c-ref.csv", "a,b,c\n1,2,3\n");
        Path cur = write("c-cur.csv", "c,a,d\n3,1,5\n");
        Run r = drift(ref.toString(), cur.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("the files have different columns: column \"b\" is in " + ref + " but not in "
                + cur + "; column \"d\" is in " + cur + " but not in " + ref
                + ". Both files need the same columns (in any order).");
    }

    @Test
    void columnsMayComeInAnotherOrder() throws Exception {
        Path ref = write("o-ref.csv", "a,b\n1,x\n2,y\n3,x\n");
        Path cur = write("o-cur.csv", "b,a\nx,1\ny,2\nx,3\n");
        JsonNode j = runJson(ref, cur, List.of(), 0);
        assertThat(j.get("features").get(0).get("feature").asText()).isEqualTo("a");
        assertThat(j.get("features").get(0).get("score").asDouble()).isEqualTo(1.0);
        assertThat(j.get("features").get(1).get("score").asDouble()).isEqualTo(1.0);
    }

    @Test
    void textInANumericColumnNamesFileLineAndColumn() throws Exception {
        Path ref = write("t-ref.csv", "id,latency\n1,10\n2,12\n3,11\n");
        Path cur = write("t-cur.csv", "id,latency\n1,10\n2,\"twelve\"\n3,11\n");
        Run r = drift(ref.toString(), cur.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(cur + " line 3, column \"latency\": \"twelve\" is not a number, but the column is "
                + "numeric in " + ref + " (every value there is a number). Fix the value, or pass --categorical "
                + "latency to compare the column as categories.");

        // the other way round: the reference holds the text, after numbers and a quoted multi-line value
        Path ref2 = write("t-ref2.csv", "id,latency,note\n1,10,\"a\nb\"\n2,oops,c\n");
        Path cur2 = write("t-cur2.csv", "id,latency,note\n1,10,a\n");
        Run r2 = drift(ref2.toString(), cur2.toString());
        assertThat(r2.code()).isEqualTo(2);
        assertThat(r2.err()).contains(ref2 + " line 4, column \"latency\": \"oops\" is not a number, but the column is "
                + "numeric in " + cur2);

        // --categorical accepts both
        Run ok = drift(ref.toString(), cur.toString(), "--categorical", "latency");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).containsPattern("latency\\s+categorical");
    }

    @Test
    void columnThatTurnsTextInBothFilesIsCategorical() throws Exception {
        StringBuilder ref = new StringBuilder("code\n");
        StringBuilder cur = new StringBuilder("code\n");
        for (int i = 0; i < 20_000; i++) {
            ref.append(i % 3).append('\n');
            cur.append(i % 4).append('\n');
        }
        ref.append("E1\n");
        cur.append("E1\nE2\n");
        JsonNode j = runJson(write("s-ref.csv", ref.toString()), write("s-cur.csv", cur.toString()), List.of(), 0);
        JsonNode f = j.get("features").get(0);
        assertThat(f.get("type").asText()).isEqualTo("CATEGORICAL");
        assertThat(f.get("referenceCount").asLong()).isEqualTo(20_001);
        assertThat(f.get("currentCount").asLong()).isEqualTo(20_002);
        assertThat(f.get("test").asText()).isEqualTo("jensenshannon");
    }

    @Test
    void emptyFileAndHeaderOnlyFile() throws Exception {
        Path ref = write("e-ref.csv", "x,y\n1,a\n2,b\n");
        Path empty = write("empty.csv", "");
        Run r = drift(ref.toString(), empty.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(empty + " line 1: no header row: the file is empty");
        Path blank = write("blank.csv", "\n\n  \n");
        assertThat(drift(ref.toString(), blank.toString()).err()).contains(blank + " line 1: no header row: the file is empty");

        Path headerOnly = write("header-only.csv", "x,y\n");
        Path json = tmp.resolve("none.json");
        Run none = drift(ref.toString(), headerOnly.toString(), "--json", json.toString(), "--html",
                tmp.resolve("none.html").toString());
        assertThat(none.code()).isEqualTo(DriftCommand.EXIT_NO_VERDICT);
        assertThat(none.out()).containsPattern("x\\s+numeric\\s+-\\s+-\\s+-\\s+no verdict.*the current window is empty")
                .contains("Dataset: NO VERDICT - none of the 2 columns could be tested");
        assertThat(none.err()).contains("no verdict: no column could be tested");
        JsonNode j = JSON.readTree(json.toFile());
        assertThat(j.get("verdict").asText()).isEqualTo("NO_VERDICT");
        assertThat(j.get("driftShare").isNull()).isTrue();
        for (JsonNode f : j.get("features")) {
            assertThat(f.get("verdict").asText()).isEqualTo("NO_VERDICT");
            assertThat(f.get("score").isNull()).as("no made-up score").isTrue();
            assertThat(f.get("reason").asText()).isEqualTo("the current window is empty");
        }
        assertThat(Files.readString(tmp.resolve("none.html"))).contains("Data drift: NO VERDICT");
    }

    @Test
    void allNullColumnHasNoVerdictAndTheRestIsTested() throws Exception {
        Path ref = write("an-ref.csv", "x,y\n1,a\n2,b\n3,a\n4,b\n5,a\n6,b\n");
        Path cur = write("an-cur.csv", "x,y\n1,NA\n2,\n3,null\n4,NaN\n5,\n6,\n");
        Run r = drift(ref.toString(), cur.toString());
        assertThat(r.code()).as(r.err()).isZero();
        assertThat(r.out()).containsPattern("y\\s+categorical\\s+-\\s+-\\s+-\\s+no verdict\\s+6\\s+0\\s+0\\s+6\\s+"
                + "the current window has only nulls")
                .contains("Dataset: NO DRIFT - 0 of 1 tested columns drifted (1 without a verdict): 0% < 50%");
    }

    @Test
    void constantColumnsGetTheDocumentedResults() throws Exception {
        StringBuilder ref = new StringBuilder("c,d,k\n");
        StringBuilder cur = new StringBuilder("c,d,k\n");
        for (int i = 0; i < 50; i++) {
            ref.append("5,5,5\n");
            cur.append("5,6,5\n");
        }
        Path r = write("k-ref.csv", ref.toString());
        Path c = write("k-cur.csv", cur.toString());
        // ks: equal constants D = 0, p = 1; different constants D = 1, drift
        JsonNode ks = runJson(r, c, List.of("--test", "c=ks", "--test", "d=ks", "--test", "k=wasserstein"), 0);
        assertThat(ks.get("features").get(0).get("score").asDouble()).isEqualTo(1.0);
        assertThat(ks.get("features").get(0).get("verdict").asText()).isEqualTo("NO_DRIFT");
        assertThat(ks.get("features").get(1).get("verdict").asText()).isEqualTo("DRIFT");
        // wasserstein: equal constants 0
        assertThat(ks.get("features").get(2).get("score").asDouble()).isEqualTo(0.0);
        // wasserstein: the reference std 0 is replaced by 0.001, so a shift of 1 scores 1000
        JsonNode w = runJson(r, c, List.of("--test", "d=wasserstein"), 0);
        assertThat(w.get("features").get(1).get("score").asDouble()).isCloseTo(1000.0,
                org.assertj.core.data.Offset.offset(1e-9));
        // default rule: one value in both windows, z test, p = 1
        JsonNode z = runJson(r, c, List.of(), 0);
        assertThat(z.get("features").get(0).get("test").asText()).isEqualTo("z");
        assertThat(z.get("features").get(0).get("score").asDouble()).isEqualTo(1.0);
        Run table = drift(r.toString(), c.toString(), "--test", "d=wasserstein");
        assertThat(table.out()).contains("constant, same value in both (std 0)")
                .contains("constant in both, different values (std 0); wasserstein divides by max(std, 0.001) = 0.001");
    }

    @Test
    void unknownTestListsTheValidOnes() throws Exception {
        Path f = write("u.csv", "x\n1\n");
        Run r = drift(f.toString(), f.toString(), "--test", "x=kolmogorov");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--test x=kolmogorov: unknown drift test \"kolmogorov\"; valid tests: "
                + String.join(", ", StatTest.names()));
    }

    @Test
    void testOfTheWrongTypeSaysWhy() throws Exception {
        Run r = drift(resource("small-ref.csv").toString(), resource("small-cur.csv").toString(), "--test",
                "region=ks");
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains("--test region=ks: test \"ks\" takes numeric columns, and column \"region\" is "
                + "categorical (because " + resource("small-ref.csv") + " line 2 holds \"münchen\", not a number). "
                + "Tests for categorical columns: chisquare, hellinger, jensenshannon, kl_div, psi, z");
        Run n = drift(resource("small-ref.csv").toString(), resource("small-cur.csv").toString(), "--test",
                "tokens=chisquare");
        assertThat(n.code()).isEqualTo(2);
        assertThat(n.err()).contains("column \"tokens\" is numeric (because every value is a number; pass "
                + "--categorical tokens to compare it as categories)");
        Run ok = drift(resource("small-ref.csv").toString(), resource("small-cur.csv").toString(), "--test",
                "tokens=chisquare", "--categorical", "tokens");
        assertThat(ok.code()).as(ok.err()).isZero();
    }

    @Test
    void malformedOptions() throws Exception {
        Path f = write("m.csv", "x,a=b\n1,2\n2,3\n");
        String p = f.toString();
        assertThat(drift(p, p, "--test", "x").err())
                .contains("--test expects COLUMN=TEST (e.g. --test latency_ms=psi), got \"x\"");
        assertThat(drift(p, p, "--test", "=ks").err()).contains("--test expects COLUMN=TEST");
        assertThat(drift(p, p, "--test", "x=").err()).contains("--test expects COLUMN=TEST");
        assertThat(drift(p, p, "--test", "x=ks", "--test", "x=psi").err())
                .contains("--test is given twice for column \"x\"");
        assertThat(drift(p, p, "--threshold", "x=high").err())
                .contains("--threshold x=high: the threshold must be a number >= 0");
        assertThat(drift(p, p, "--threshold", "x=-1").err()).contains("must be a number >= 0");
        assertThat(drift(p, p, "--test", "nope=ks").err())
                .contains("--test names column \"nope\", which is not in the files; columns: x, a=b");
        assertThat(drift(p, p, "--drift-share", "0").err()).contains("--drift-share must be in (0, 1]");
        for (String[] bad : new String[][] {{"--test", "x"}, {"--threshold", "x=high"}, {"--test", "nope=ks"}}) {
            List<String> a = new ArrayList<>(List.of(p, p));
            a.addAll(List.of(bad));
            assertThat(drift(a.toArray(new String[0])).code()).isEqualTo(2);
        }
        // a column name holding '=': split at the last one
        Run ok = drift(p, p, "--test", "a=b=psi", "--threshold", "a=b=0.3");
        assertThat(ok.code()).as(ok.err()).isZero();
        assertThat(ok.out()).containsPattern("a=b\\s+numeric\\s+psi\\s+0\\s+>= 0.3\\s+no");
    }

    @Test
    void raggedRowsDuplicateOrEmptyNamesAndUtf16() throws Exception {
        Path ok = write("r-ok.csv", "a,b\n1,2\n");
        Path ragged = write("ragged.csv", "a,b\n1,2\n3\n");
        Run r = drift(ok.toString(), ragged.toString());
        assertThat(r.code()).isEqualTo(2);
        assertThat(r.err()).contains(ragged + " line 3: 1 field, but the header has 2 columns");
        Path dup = write("dup.csv", "a,b,a\n1,2,3\n");
        assertThat(drift(ok.toString(), dup.toString()).err()).contains(dup + " line 1: the header names column \"a\" twice");
        Path unnamed = write("unnamed.csv", "a,,b\n1,2,3\n");
        assertThat(drift(ok.toString(), unnamed.toString()).err())
                .contains(unnamed + " line 1: the header's column 2 has no name");
        Path utf16 = tmp.resolve("utf16.csv");
        Files.write(utf16, "a,b\n1,2\n".getBytes(StandardCharsets.UTF_16));
        Run u = drift(ok.toString(), utf16.toString());
        assertThat(u.code()).isEqualTo(2);
        assertThat(u.err()).contains(utf16 + " is UTF-16 (byte-order mark FE FF); save it as UTF-8");
        Path quote = write("quote.csv", "a,b\n1,\"open\n");
        Run q = drift(ok.toString(), quote.toString());
        assertThat(q.code()).isEqualTo(2);
        assertThat(q.err()).contains(quote + " line").contains("not valid CSV");
    }

    @Test
    void exitCodeIsZeroOnDriftUnlessFailOnDrift() {
        String ref = resource("small-ref.csv").toString();
        String cur = resource("small-cur.csv").toString();
        assertThat(drift(ref, cur).code()).isZero();
        assertThat(drift(ref, cur, "--fail-on-drift").code()).isEqualTo(DriftCommand.EXIT_DRIFT);
        assertThat(drift(ref, ref, "--fail-on-drift").code()).isZero();
    }

    @Test
    void progressBarOnRequest() {
        Run r = drift(resource("large-ref.csv").toString(), resource("large-cur.csv").toString(), "--progress");
        assertThat(r.code()).isZero();
        assertThat(r.err()).contains("[##############################] 100%").contains("KiB");
        Run quiet = drift(resource("large-ref.csv").toString(), resource("large-cur.csv").toString());
        assertThat(quiet.err()).isEmpty();
    }

    @Test
    void usageListsTheTestsAndExitCodes() {
        Run r = drift("--help");
        assertThat(r.code()).isZero();
        assertThat(r.out()).contains("REFERENCE.csv CURRENT.csv", "--test=COLUMN=TEST",
                String.join(", ", StatTest.names()), "Exit codes: 0 compared");
        Iterator<String> names = new DriftCommand.TestNames().iterator();
        assertThat(names.next()).isEqualTo(StatTest.names().get(0));
    }
}
