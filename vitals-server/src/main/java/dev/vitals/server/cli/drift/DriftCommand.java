package dev.vitals.server.cli.drift;

import dev.vitals.drift.DatasetDrift;
import dev.vitals.drift.DriftDetector;
import dev.vitals.drift.FeatureType;
import dev.vitals.drift.RawColumns;
import dev.vitals.drift.StatTest;
import dev.vitals.drift.Verdict;
import dev.vitals.server.csv.CsvColumns.Column;
import dev.vitals.server.csv.CsvColumns.Kind;
import dev.vitals.server.csv.CsvColumns;
import dev.vitals.server.csv.CsvInputException;
import dev.vitals.server.csv.CsvReader;
import dev.vitals.server.csv.CsvValues;
import dev.vitals.server.csv.Progress;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.stream.Collectors;
import dev.vitals.server.cli.CsvInputOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vitals drift REFERENCE.csv CURRENT.csv}: compares two CSV files column by column with the drift library's
 * exact mode ({@link DriftDetector#compare(RawColumns, RawColumns)}), prints a table and the dataset verdict, and
 * optionally writes the result as JSON and a self-contained HTML report. See {@link CsvColumns} for how files are
 * read and typed.
 */
@Command(name = "drift", mixinStandardHelpOptions = true, sortOptions = false, usageHelpWidth = 100,
        description = {
            "Compare two CSV files column by column with statistical drift tests: REFERENCE.csv (the baseline) "
                    + "and CURRENT.csv (the data to check). Prints one row per column (type, test, score, "
                    + "threshold, drifted, counts and nulls) and the dataset verdict: the share of drifted columns."},
        footer = {
            "",
            "Input: a header line is required. The delimiter (comma, semicolon or tab) is detected per file from its "
                    + "header line. Encoding: UTF-8 with or without a BOM; a file that is not valid UTF-8 is read "
                    + "as Latin-1. Nulls: empty, NA, NaN, null. A column is numeric when every non-null value is a "
                    + "number ('.' decimal point) in both files, else categorical; numbers in one file and text "
                    + "in the other is an error (see --categorical). Both files need the same columns, in any order.",
            "",
            "Default test (n = non-null reference values): n <= 1000: ks for numeric columns, chisquare for "
                    + "categorical ones with more than 2 values, else z; n > 1000: wasserstein (numeric) or "
                    + "jensenshannon. Numeric columns with at most 5 distinct values are compared per value. "
                    + "p-values (ks, chisquare, z) drift below their threshold (default 0.05); distances at or "
                    + "above it (default 0.1). The dataset drifts when at least --drift-share of the columns with "
                    + "a verdict drift. A column with no values in a window gets no verdict (never a made-up score).",
            "",
            "Exit codes: 0 compared, whether or not drift was found; 3 drift found and --fail-on-drift; "
                    + "4 no column could be tested (empty or all-null windows); 2 bad input or usage; "
                    + "1 a report could not be written, or out of memory (raise it with VITALS_JAVA_OPTS=-Xmx2g).",
            "",
            "Example: vitals drift ref.csv cur.csv --test latency_ms=psi --threshold latency_ms=0.2 \\",
            "             --json drift.json --html drift.html"})
public final class DriftCommand implements Callable<Integer> {
    /** Exit code: drift found with {@code --fail-on-drift}. */
    static final int EXIT_DRIFT = 3;
    /** Exit code: no column could be tested. */
    static final int EXIT_NO_VERDICT = 4;
    /** Exit code: bad input or usage. */
    static final int EXIT_BAD_INPUT = 2;

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "REFERENCE.csv", description = "The reference (baseline) data.")
    Path reference;
    @Parameters(index = "1", paramLabel = "CURRENT.csv", description = "The current data, compared with the reference.")
    Path current;
    @Option(names = "--test", paramLabel = "COLUMN=TEST", completionCandidates = TestNames.class,
            description = "Test for a column instead of the default rule; repeatable. Tests: ${COMPLETION-CANDIDATES}.")
    List<String> tests = new ArrayList<>();
    @Option(names = "--threshold", paramLabel = "COLUMN=VALUE",
            description = "Threshold for a column's test (p-value or distance, >= 0); repeatable.")
    List<String> thresholds = new ArrayList<>();
    @Option(names = "--categorical", paramLabel = "COLUMN",
            description = "Compare this column as categories even where its values are numbers; repeatable.")
    List<String> categorical = new ArrayList<>();
    @Mixin
    CsvInputOptions input = new CsvInputOptions();

    @Option(names = "--drift-share", paramLabel = "SHARE", defaultValue = "0.5",
            description = "The dataset drifts when at least this share of the tested columns drift (default: ${DEFAULT-VALUE}).")
    double driftShare;
    @Option(names = "--json", paramLabel = "FILE", description = "Write the result as JSON (NaN written as null).")
    Path json;
    @Option(names = "--html", paramLabel = "FILE",
            description = "Write a self-contained HTML report (inline CSS and SVG charts, no external requests).")
    Path html;
    @Option(names = "--fail-on-drift", description = "Exit with code 3 when the dataset drifts (default: exit 0).")
    boolean failOnDrift;

    /** The test names, for the usage text. */
    static final class TestNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return StatTest.names().iterator();
        }
    }

    /** Input the user must fix; exit code 2. */
    static final class BadInput extends Exception {
        private static final long serialVersionUID = 1L;

        BadInput(String message) {
            super(message);
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        try {
            return run(out, err);
        } catch (BadInput | CsvInputException e) {
            err.println("vitals drift: " + e.getMessage());
            return EXIT_BAD_INPUT;
        } catch (IOException e) {
            err.println("vitals drift: " + e);
            return 1;
        } catch (OutOfMemoryError e) {
            err.println("vitals drift: out of memory (the Java heap holds both files' values, 4 or 8 bytes per"
                    + " number); give it more, e.g. VITALS_JAVA_OPTS=-Xmx" + suggestedHeapMiB() + "m ./vitals drift ...");
            return 1;
        } finally {
            out.flush();
            err.flush();
        }
    }

    /** Twice the current maximum heap, in MiB: a next step for the user. */
    private static long suggestedHeapMiB() {
        return Math.max(1024, 2 * (Runtime.getRuntime().maxMemory() >> 20));
    }

    private int run(PrintWriter out, PrintWriter err) throws BadInput, IOException {
        Map<String, String> testByColumn = pairs("--test", tests, "TEST", "--test latency_ms=psi");
        Map<String, StatTest> chosen = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : testByColumn.entrySet()) {
            try {
                chosen.put(e.getKey(), StatTest.byName(e.getValue()));
            } catch (IllegalArgumentException x) {
                throw new BadInput("--test " + e.getKey() + "=" + e.getValue() + ": " + x.getMessage());
            }
        }
        Map<String, Double> thresholdByColumn = new LinkedHashMap<>();
        for (Map.Entry<String, String> e : pairs("--threshold", thresholds, "VALUE", "--threshold latency_ms=0.2")
                .entrySet()) {
            String v = e.getValue();
            double t = CsvValues.isNumber(v) ? CsvValues.parseNumber(v) : Double.NaN;
            if (!Double.isFinite(t) || t < 0) {
                throw new BadInput("--threshold " + e.getKey() + "=" + v + ": the threshold must be a number >= 0");
            }
            thresholdByColumn.put(e.getKey(), t);
        }
        if (!(driftShare > 0 && driftShare <= 1)) {
            throw new BadInput("--drift-share must be in (0, 1], got " + driftShare);
        }
        Set<String> asText = new LinkedHashSet<>();
        for (String c : categorical) {
            asText.add(c.strip());
        }

        Progress bar = Progress.on(err, input.progress());
        String refLabel = reference.toString();
        String curLabel = current.toString();
        int maxColumns = input.maxColumns();
        // headers first: two files that cannot be compared fail before any value is buffered
        checkSameColumns(refLabel, CsvColumns.header(reference, refLabel, maxColumns),
                curLabel, CsvColumns.header(current, curLabel, maxColumns));
        CsvColumns[] both = readBoth(refLabel, curLabel, asText, bar);
        CsvColumns ref = both[0];
        CsvColumns cur = both[1];
        for (CsvColumns f : List.of(ref, cur)) {
            if (f.charset().equals(StandardCharsets.ISO_8859_1)) {
                err.println("vitals drift: note: " + f.label() + " is not valid UTF-8; read it as Latin-1 (ISO-8859-1)");
            }
        }

        checkSameColumns(ref, cur);
        List<String> names = ref.names();
        checkNamed("--test", chosen.keySet(), names);
        checkNamed("--threshold", thresholdByColumn.keySet(), names);
        checkNamed("--categorical", asText, names);

        Map<String, FeatureType> types = new LinkedHashMap<>();
        for (String name : names) {
            types.put(name, typeOf(name, ref, cur, asText));
        }
        for (Map.Entry<String, StatTest> e : chosen.entrySet()) {
            checkAccepts(e.getKey(), e.getValue(), types.get(e.getKey()), ref, cur, asText);
        }

        List<DriftColumns.Pair> columns = new ArrayList<>();
        for (String name : names) {
            columns.add(new DriftColumns.Pair(name, types.get(name), ref.columns().get(name), cur.columns().get(name)));
        }
        DriftColumns.Compared compared;
        try {
            compared = DriftColumns.compare(columns, chosen, thresholdByColumn, driftShare);
        } catch (IllegalArgumentException e) {
            throw new BadInput(e.getMessage());
        }
        DatasetDrift drift = compared.drift();
        List<String> notes = compared.notes();
        DriftOutput.printTable(out, ref, cur, drift, notes);

        DriftHtmlReport.Source refSource = source(ref);
        DriftHtmlReport.Source curSource = source(cur);
        int code = 0;
        if (json != null) {
            code = Math.max(code, write(err, json, bytes -> DriftOutput.writeJson(drift, bytes)));
            if (code == 0) {
                out.println("wrote " + json);
            }
        }
        if (html != null) {
            DriftColumns.Loader loader = new DriftColumns.Loader(); // one card's columns at a time
            String page = DriftHtmlReport.render(drift, i -> loader.load(columns.get(i)), notes, refSource, curSource,
                    ZonedDateTime.now());
            int c = write(err, html, o -> o.write(page.getBytes(StandardCharsets.UTF_8)));
            if (c == 0) {
                out.println("wrote " + html);
            }
            code = Math.max(code, c);
        }
        if (code != 0) {
            return code;
        }
        if (drift.verdict() == Verdict.NO_VERDICT) {
            err.println("vitals drift: no verdict: no column could be tested (each one has a window with no values);"
                    + " see the notes above");
            return EXIT_NO_VERDICT;
        }
        return failOnDrift && drift.drifted() ? EXIT_DRIFT : 0;
    }

    /**
     * Reads the reference on a second thread while this one reads the current file. When both fail, the
     * reference's error is the one reported.
     */
    private CsvColumns[] readBoth(String refLabel, String curLabel, Set<String> asText, Progress bar)
            throws IOException {
        int maxColumns = input.maxColumns();
        FutureTask<CsvColumns> refTask = new FutureTask<>(() -> CsvColumns.read(CsvReader.Source.of(reference, refLabel), asText, bar,
                maxColumns));
        Thread t = new Thread(refTask, "vitals-drift-read-reference");
        t.setDaemon(true);
        t.start();
        CsvColumns cur = null;
        Exception curError = null;
        try {
            cur = CsvColumns.read(CsvReader.Source.of(current, curLabel), asText, bar, maxColumns);
        } catch (IOException | RuntimeException e) {
            curError = e;
        }
        CsvColumns ref;
        try {
            ref = refTask.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while reading " + refLabel, e);
        } catch (ExecutionException e) {
            throw rethrow(e.getCause());
        }
        if (curError != null) {
            throw rethrow(curError);
        }
        return new CsvColumns[] {ref, cur};
    }

    private static IOException rethrow(Throwable e) {
        if (e instanceof IOException io) {
            return io;
        }
        if (e instanceof RuntimeException r) {
            throw r;
        }
        if (e instanceof Error err) {
            throw err;
        }
        return new IOException(e);
    }

    private static DriftHtmlReport.Source source(CsvColumns f) {
        return new DriftHtmlReport.Source(f.label(), f.rows(), f.delimiterLabel(), f.encodingLabel());
    }

    /** COLUMN=VALUE pairs, split at the last '=' (column names may hold '='). */
    static Map<String, String> pairs(String option, List<String> specs, String valueName, String example)
            throws BadInput {
        Map<String, String> out = new LinkedHashMap<>();
        for (String s : specs) {
            int eq = s.lastIndexOf('=');
            String name = eq < 0 ? "" : s.substring(0, eq).strip();
            String value = eq < 0 ? "" : s.substring(eq + 1).strip();
            if (name.isEmpty() || value.isEmpty()) {
                throw new BadInput(option + " expects COLUMN=" + valueName + " (e.g. " + example + "), got \"" + s
                        + "\"");
            }
            if (out.putIfAbsent(name, value) != null) {
                throw new BadInput(option + " is given twice for column \"" + name + "\"");
            }
        }
        return out;
    }

    /** Columns named in a mismatch message at most (a wrong file can differ in thousands). */
    private static final int MAX_NAMED = 20;

    private static void checkSameColumns(CsvColumns ref, CsvColumns cur) throws BadInput {
        checkSameColumns(ref.label(), ref.names(), cur.label(), cur.names());
    }

    private static void checkSameColumns(String refLabel, List<String> refNames, String curLabel, List<String> curNames)
            throws BadInput {
        Set<String> refSet = new java.util.HashSet<>(refNames);
        Set<String> curSet = new java.util.HashSet<>(curNames);
        List<String> onlyRef = refNames.stream().filter(n -> !curSet.contains(n)).limit(MAX_NAMED).collect(Collectors.toList());
        List<String> onlyCur = curNames.stream().filter(n -> !refSet.contains(n)).limit(MAX_NAMED).collect(Collectors.toList());
        if (onlyRef.isEmpty() && onlyCur.isEmpty()) {
            return;
        }
        List<String> parts = new ArrayList<>();
        if (!onlyRef.isEmpty()) {
            parts.add(quoted(onlyRef) + (onlyRef.size() == 1 ? " is" : " are") + " in " + refLabel + " but not in "
                    + curLabel);
        }
        if (!onlyCur.isEmpty()) {
            parts.add(quoted(onlyCur) + (onlyCur.size() == 1 ? " is" : " are") + " in " + curLabel + " but not in "
                    + refLabel);
        }
        throw new BadInput("the files have different columns: " + String.join("; ", parts)
                + ". Both files need the same columns (in any order).");
    }

    private static String quoted(List<String> names) {
        return names.stream().map(n -> "column \"" + CsvValues.shorten(n) + "\"").collect(Collectors.joining(", "));
    }

    private static void checkNamed(String option, Set<String> named, List<String> names) throws BadInput {
        for (String n : named) {
            if (!names.contains(n)) {
                throw new BadInput(option + " names column \"" + CsvValues.shorten(n)
                        + "\", which is not in the files; columns: " + String.join(", ", names));
            }
        }
    }

    private static FeatureType typeOf(String name, CsvColumns ref, CsvColumns cur, Set<String> asText)
            throws BadInput {
        if (asText.contains(name)) {
            return FeatureType.CATEGORICAL;
        }
        Column r = ref.columns().get(name);
        Column c = cur.columns().get(name);
        if (r.kind() == Kind.TEXT && c.kind() == Kind.NUMERIC) {
            throw new BadInput(CsvColumns.mixedTypes(ref.label(), r.firstTextLine(), name, r.firstText(), cur.label()));
        }
        if (r.kind() == Kind.NUMERIC && c.kind() == Kind.TEXT) {
            throw new BadInput(CsvColumns.mixedTypes(cur.label(), c.firstTextLine(), name, c.firstText(), ref.label()));
        }
        return r.kind() == Kind.TEXT || c.kind() == Kind.TEXT ? FeatureType.CATEGORICAL : FeatureType.NUMERIC;
    }

    private static void checkAccepts(String name, StatTest test, FeatureType type, CsvColumns ref, CsvColumns cur,
                                     Set<String> asText) throws BadInput {
        if (test.featureTypes().contains(type)) {
            return;
        }
        String accepted = test.featureTypes().stream().map(FeatureType::label).collect(Collectors.joining(" and "));
        String why;
        if (type == FeatureType.CATEGORICAL) {
            Column r = ref.columns().get(name);
            Column c = cur.columns().get(name);
            if (asText.contains(name)) {
                why = "as --categorical asks";
            } else {
                CsvColumns f = r.kind() == Kind.TEXT ? ref : cur;
                Column col = r.kind() == Kind.TEXT ? r : c;
                why = "because " + f.label() + " line " + col.firstTextLine() + " holds \""
                        + CsvValues.shorten(col.firstText()) + "\", not a number";
            }
        } else {
            why = "because every value is a number; pass --categorical " + name + " to compare it as categories";
        }
        throw new BadInput("--test " + name + "=" + test.testName() + ": test \"" + test.testName() + "\" takes "
                + accepted + " columns, and column \"" + CsvValues.shorten(name) + "\" is " + type.label() + " ("
                + why + "). Tests for " + type.label() + " columns: " + String.join(", ", testsFor(type)));
    }

    private static List<String> testsFor(FeatureType type) {
        List<String> out = new ArrayList<>();
        for (String n : StatTest.names()) {
            if (StatTest.byName(n).featureTypes().contains(type)) {
                out.add(n);
            }
        }
        return out;
    }

    interface Body {
        void write(OutputStream out) throws IOException;
    }

    private static int write(PrintWriter err, Path file, Body body) {
        try {
            Path parent = file.toAbsolutePath().getParent();
            if (parent != null) {
                Files.createDirectories(parent);
            }
            try (OutputStream o = Files.newOutputStream(file)) {
                body.write(o);
            }
            return 0;
        } catch (IOException e) {
            err.println("vitals drift: cannot write " + file + ": " + e);
            return 1;
        }
    }
}
