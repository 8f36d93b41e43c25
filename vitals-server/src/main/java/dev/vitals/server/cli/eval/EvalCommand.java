package dev.vitals.server.cli.eval;

import dev.vitals.quality.QualityReport;
import dev.vitals.quality.QualityStats;
import dev.vitals.server.csv.CsvInputException;
import dev.vitals.server.csv.CsvReader;
import dev.vitals.server.csv.CsvValues;
import dev.vitals.server.csv.Progress;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import dev.vitals.server.cli.CsvInputOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code vitals eval}: model quality of a CSV file of predictions, with scikit-learn's metric
 * definitions ({@link QualityStats}). Rows are streamed in chunks of {@value #CHUNK} into the
 * batch methods, so memory stays bounded whatever the file's length.
 */
@Command(name = "eval", mixinStandardHelpOptions = true, sortOptions = false,
        description = {
            "Evaluate a CSV file of predictions with scikit-learn's metric definitions.",
            "Classification: accuracy, per-class precision/recall/F1/support, macro/micro/weighted averages,"
                + " confusion matrix, ROC AUC and log loss (with --score-col or --proba-cols).",
            "Regression: RMSE, MAE, MAPE and R^2.",
            "LLM (FILE.jsonl: prompt, response, optional reference, context, response_format per line): the code"
                + " evaluators, the LLM judge when --config turns it on, BLEU and ROUGE against references.",
            ""},
        footer = {
            "",
            "The file: UTF-8 (a byte order mark is skipped), a header row first, double quotes as in RFC 4180."
                + " The delimiter is whichever of , ; and TAB occurs most often in the header line (ties: , then ;)."
                + " Blank lines are skipped. Labels are compared as text, exactly as written.",
            "Errors name the line (1-based; the header is line 1) and the column. Nothing is printed on stdout"
                + " unless the whole file is valid.",
            "",
            "Exit codes: 0 done; 1 invalid data in the file (a bad row, no data rows); 2 usage: bad options,"
                + " the file cannot be read, a column is missing.",
            "",
            "Examples:",
            "  vitals eval preds.csv --task classification --score-col score --positive fraud",
            "  vitals eval preds.csv --task classification --proba-cols p_cat,p_dog,p_bird",
            "  vitals eval preds.csv --task regression --label-col y --pred-col y_hat --json",
            "  vitals eval answers.jsonl --task llm --config vitals.yaml"})
public final class EvalCommand implements Callable<Integer> {
    /** Rows per batch handed to {@link QualityStats}. */
    static final int CHUNK = 8192;
    /** Largest number of classes whose confusion matrix the table prints. */
    static final int MAX_MATRIX_CLASSES = 20;
    private static final Pattern ROW_ERROR = Pattern.compile("row (\\d+): (.*)", Pattern.DOTALL);

    /** The kinds of task. */
    enum Task { classification, regression, llm }

    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "FILE", description = "CSV file with a header row.")
    Path file;

    @Option(names = "--task", paramLabel = "TASK",
            description = "The task: ${COMPLETION-CANDIDATES}. Inferred when the columns leave no doubt: classification"
                    + " with --score-col, --proba-cols or --positive, or when a label is text; regression when the"
                    + " values are numbers with decimals; whole numbers alone need --task.")
    Task task;

    @Option(names = "--label-col", defaultValue = "actual", paramLabel = "COLUMN",
            description = "Column of the actual label or value (default: ${DEFAULT-VALUE}).")
    String labelCol;

    @Option(names = "--pred-col", defaultValue = "predicted", paramLabel = "COLUMN",
            description = "Column of the predicted label or value (default: ${DEFAULT-VALUE}).")
    String predCol;

    @Option(names = "--score-col", paramLabel = "COLUMN",
            description = "Binary classification: column of the positive label's probability, in [0, 1];"
                    + " gives ROC AUC and log loss.")
    String scoreCol;

    @Option(names = "--proba-cols", split = ",", paramLabel = "[CLASS=]COLUMN",
            description = "Multiclass: one probability column per class, each row summing to 1 (tolerance 1e-6);"
                    + " gives ROC AUC (one-vs-rest, macro) and log loss. CLASS defaults to the column name"
                    + " without a leading 'p_' (p_cat is class cat). Every label must be one of these classes.")
    List<String> probaCols;

    @Option(names = "--positive", paramLabel = "LABEL",
            description = "Binary classification: the positive label, whose probability --score-col gives."
                    + " Default: the greater of the two labels in code point order, as scikit-learn's log_loss"
                    + " (1 of 0/1, true of false/true, yes of no/yes).")
    String positive;

    @Option(names = "--auc-bins", defaultValue = "10000", paramLabel = "N",
            description = "Score bins of the binned ROC AUC the server's windows use, 10 to 100000 (default: ${DEFAULT-VALUE})."
                    + " The AUC this command reports is exact (every score sorted, ties as scikit-learn), whatever N.")
    int aucBins;

    @Option(names = "--json",
            description = "Print the report as JSON (dev.vitals.quality.QualityReport; undefined metrics,"
                    + " NaN in Java, are null).")
    boolean json;

    @Mixin
    CsvInputOptions input = new CsvInputOptions();

    @Option(names = "--config", paramLabel = "FILE",
            description = "--task llm: a Vitals YAML file whose evaluators: section sets the code evaluators and"
                    + " turns on the LLM judge (evaluators.judge, with the file's backends).")
    Path config;

    /** Invalid input with its exit code. */
    static final class EvalException extends Exception {
        final int exitCode;

        EvalException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (task == Task.llm) {
            if (scoreCol != null || probaCols != null || positive != null) {
                throw usage("--score-col, --proba-cols and --positive do not apply to --task llm");
            }
            return LlmEval.run(file, config, json, input.progress(), out, err);
        }
        checkOptions();
        Progress.File bar = null;
        if (task == null) {
            try {
                task = inferTask();
            } catch (EvalException | IOException e) {
                return failed(err, file, null, e);
            }
        }
        bar = Progress.on(err, input.progress()).start("vitals eval:", sizeOf(file));
        try (CsvReader csv = openFile(bar)) {
            QualityReport report = evaluate(csv, bar);
            bar.done();
            String text = json ? EvalOutput.json(report) : EvalOutput.table(report, this, csv);
            out.print(text);
            out.flush();
            return 0;
        } catch (EvalException | IOException e) {
            return failed(err, file, bar, e);
        }
    }

    /** Ends the bar and reports {@code e} on stderr; its exit code (2 when the file cannot be read). */
    static int failed(PrintWriter err, Path file, Progress.File bar, Exception e) {
        if (bar != null) {
            bar.done();
        }
        boolean eval = e instanceof EvalException;
        err.println("vitals eval: " + file + ": " + (eval ? e.getMessage() : "cannot read: " + e));
        err.flush();
        return eval ? ((EvalException) e).exitCode : 2;
    }

    private void checkOptions() {
        List<String> wrong = new ArrayList<>();
        if (task == Task.regression) {
            for (String[] o : new String[][] {{"--score-col", scoreCol}, {"--positive", positive}}) {
                if (o[1] != null) {
                    wrong.add(o[0]);
                }
            }
            if (probaCols != null) {
                wrong.add("--proba-cols");
            }
            if (!wrong.isEmpty()) {
                throw usage(String.join(", ", wrong) + " only apply to --task classification");
            }
        }
        if (scoreCol != null && probaCols != null) {
            throw usage("give --score-col (binary) or --proba-cols (multiclass), not both");
        }
        if (positive != null && probaCols != null) {
            throw usage("--positive goes with --score-col; with --proba-cols every class has its own column");
        }
        if (positive != null && positive.isEmpty()) {
            throw usage("--positive must not be empty");
        }
        if (aucBins < 10 || aucBins > 100_000) {
            throw usage("--auc-bins must be in [10, 100000], got " + aucBins);
        }
        if (probaCols != null) {
            probaClasses();
        }
    }

    /** Rows read to infer the task. */
    static final int INFER_ROWS = 10_000;

    /**
     * The task when --task is not given: classification with a score, probabilities or a positive label,
     * or when a label or prediction is text; regression when a value has decimals; otherwise (whole
     * numbers only, which may be classes or values) a usage error asking for --task.
     */
    private Task inferTask() throws EvalException, IOException {
        if (scoreCol != null || probaCols != null || positive != null) {
            return Task.classification;
        }
        try (CsvReader csv = openFile(Progress.NONE.start("", 0))) {
            List<String> header = csv.header();
            int[] index = resolveColumns(header, List.of(labelCol, predCol), List.of("--label-col", "--pred-col"));
            String[] fields = new String[header.size()];
            boolean text = false;
            boolean decimals = false;
            for (int row = 0; row < INFER_ROWS && !text && csv.next(fields) >= 0; row++) {
                for (int i : index) {
                    String v = fields[i] == null ? "" : fields[i].trim();
                    if (v.isEmpty()) {
                        continue;
                    }
                    try {
                        double d = Double.parseDouble(v);
                        decimals |= Double.isFinite(d) && d != Math.rint(d);
                    } catch (NumberFormatException e) {
                        text = true;
                    }
                }
            }
            if (text) {
                return Task.classification;
            }
            if (decimals) {
                return Task.regression;
            }
            throw new EvalException(2, "give --task classification or --task regression: the columns \"" + labelCol + "\" and \""
                    + predCol + "\" hold whole numbers only, which may be classes or values");
        } catch (CsvInputException e) {
            throw inputError(e);
        }
    }

    /** --proba-cols as class -> column, in the order given. */
    Map<String, String> probaClasses() {
        Map<String, String> classes = new LinkedHashMap<>();
        for (String item : probaCols) {
            int eq = item.indexOf('=');
            String column = eq < 0 ? item : item.substring(eq + 1);
            String label = eq < 0 ? (item.startsWith("p_") && item.length() > 2 ? item.substring(2) : item)
                    : item.substring(0, eq);
            if (label.isEmpty() || column.isEmpty()) {
                throw usage("--proba-cols: \"" + item + "\" must be COLUMN or CLASS=COLUMN, both non-empty");
            }
            if (classes.put(label, column) != null) {
                throw usage("--proba-cols: class \"" + label + "\" appears twice");
            }
        }
        if (classes.size() < 2) {
            throw usage("--proba-cols needs a column for each of at least 2 classes, got " + classes.size());
        }
        return classes;
    }

    private ParameterException usage(String message) {
        return new ParameterException(spec.commandLine(), message);
    }

    private CsvReader openFile(Progress.File bar) throws EvalException, IOException {
        try {
            return CsvReader.open(CsvReader.Source.of(file, file.toString()), StandardCharsets.UTF_8,
                    input.maxColumns(), bar);
        } catch (CsvInputException e) {
            throw inputError(e);
        }
    }

    /** The reader's error as eval words it: the file's problems exit 2, its content's exit 1. */
    private static EvalException inputError(CsvInputException e) {
        return e.line() <= 0 ? new EvalException(2, e.detail())
                : new EvalException(1, "line " + e.line() + ": " + e.detail());
    }

    private static long sizeOf(Path file) {
        try {
            return java.nio.file.Files.size(file);
        } catch (IOException e) {
            return 0; // opening it says why
        }
    }

    // ---- evaluation ----------------------------------------------------------------------------

    private QualityReport evaluate(CsvReader csv, Progress.File bar) throws EvalException, IOException {
        List<String> header = csv.header();
        Map<String, String> classes = probaCols == null ? Map.of() : probaClasses();
        List<String> wanted = new ArrayList<>();
        List<String> flags = new ArrayList<>();
        wanted.add(labelCol);
        flags.add("--label-col");
        wanted.add(predCol);
        flags.add("--pred-col");
        if (scoreCol != null) {
            wanted.add(scoreCol);
            flags.add("--score-col");
        }
        for (String c : classes.values()) {
            wanted.add(c);
            flags.add("--proba-cols");
        }
        int[] index = resolveColumns(header, wanted, flags);
        try (EvalRows.Rows<?> rows = task == Task.regression ? new EvalRows.RegressionRows(this, header, index)
                : probaCols != null ? new EvalRows.ProbaRows(this, header, index, classes.keySet().toArray(new String[0]))
                : scoreCol != null || positive != null ? new EvalRows.BinaryRows(this, header, index, scoreCol != null)
                : new EvalRows.LabelRows(this, header, index)) {
            rows.reader = csv;
            boolean[] lazy = new boolean[header.size()];
            for (int k : rows.numberColumns()) {
                lazy[k] = true;
            }
            for (int k : rows.labelColumns()) { // a column read both as a label and a number keeps its text
                lazy[k] = false;
            }
            csv.lazyText(lazy);
            String[] fields = new String[header.size()];
            long dataRows = 0;
            try {
                int n;
                while ((n = csv.next(fields)) >= 0) {
                    long line = csv.line();
                    if (n != fields.length) {
                        throw new EvalException(1, "line " + line + ": has " + n + (n == 1 ? " column" : " columns")
                                + ", but the header (line " + csv.headerLine() + ") has " + fields.length);
                    }
                    rows.add(fields, line);
                    dataRows++;
                }
            } catch (CsvInputException e) {
                rows.await(); // a rejected earlier chunk comes first
                throw inputError(e);
            } catch (EvalException e) {
                rows.await();
                throw e;
            }
            if (dataRows == 0) {
                throw new EvalException(1, "no data rows after the header (line " + csv.headerLine() + ")");
            }
            return rows.finish();
        }
    }

    /** Header positions of {@code wanted}; fails naming every missing one and listing the header. */
    private int[] resolveColumns(List<String> header, List<String> wanted, List<String> flags) throws EvalException {
        Map<String, Integer> first = new HashMap<>();
        Map<String, Integer> duplicate = new HashMap<>();
        for (int i = 0; i < header.size(); i++) {
            if (first.putIfAbsent(header.get(i), i) != null) {
                duplicate.putIfAbsent(header.get(i), i);
            }
        }
        int[] index = new int[wanted.size()];
        List<String> missing = new ArrayList<>();
        for (int i = 0; i < wanted.size(); i++) {
            String w = wanted.get(i);
            Integer at = first.get(w);
            if (at == null) {
                String m = quote(w) + " (" + flags.get(i) + ")";
                if (!missing.contains(m)) {
                    missing.add(m);
                }
                continue;
            }
            if (duplicate.containsKey(w)) {
                throw new EvalException(2, "column " + quote(w) + " appears twice in the header (line 1), as columns "
                        + (at + 1) + " and " + (duplicate.get(w) + 1));
            }
            index[i] = at;
        }
        if (!missing.isEmpty()) {
            StringBuilder h = new StringBuilder();
            for (String c : header) {
                h.append(h.length() == 0 ? "" : ", ").append(quote(c));
            }
            throw new EvalException(2, (missing.size() == 1 ? "missing column " : "missing columns ")
                    + String.join(", ", missing) + "; the header has " + header.size()
                    + (header.size() == 1 ? " column: " : " columns: ") + h);
        }
        return index;
    }

    static String quote(String s) {
        return "\"" + s + "\"";
    }

    /** "line 7, column 3 ("score")". */
    static String where(long line, List<String> header, int column) {
        return "line " + line + ", column " + (column + 1) + " (" + quote(header.get(column)) + ")";
    }

    /**
     * A finite number from a CSV value, by the shared number rule ({@link CsvValues#isNumber}). NaN and infinities
     * are rejected, so are hexadecimal floats, type suffixes and thousands separators.
     */
    static double number(String value, long line, List<String> header, int column) throws EvalException {
        double plain = CsvValues.parseDecimal(value);
        if (plain == plain) {
            return plain;
        }
        if (CsvValues.isNumber(value)) {
            double d = CsvValues.parseNumber(value);
            if (Double.isFinite(d)) {
                return d;
            }
            char c = value.strip().charAt(value.strip().length() - 1);
            throw new EvalException(1, where(line, header, column) + ": " + quote(value) + " is not a finite number"
                    + (c == 'f' || c == 'F' || c == 'y' || c == 'Y' ? "" : " (out of a double's range)"));
        }
        String bare = value.strip().toLowerCase(java.util.Locale.ROOT);
        if (bare.isEmpty()) {
            throw new EvalException(1, where(line, header, column) + ": empty, expected a number");
        }
        if (bare.equals("nan") || bare.equals("+nan") || bare.equals("-nan")) {
            throw new EvalException(1, where(line, header, column) + ": " + quote(value) + " is not a finite number");
        }
        throw new EvalException(1, where(line, header, column) + ": " + quote(value) + " is not a number");
    }

    /**
     * The message of a batch the library rejected ("row i: ..."), with the row's line; the CLI's
     * own checks catch the usual problems first, this covers the rest (e.g. the label limit).
     */
    static EvalException rejected(IllegalArgumentException e, long[] lines) {
        Matcher m = ROW_ERROR.matcher(String.valueOf(e.getMessage()));
        if (m.matches()) {
            int row = Integer.parseInt(m.group(1));
            if (row < lines.length) {
                return new EvalException(1, "line " + lines[row] + ": " + m.group(2));
            }
        }
        return new EvalException(1, String.valueOf(e.getMessage()));
    }
}
