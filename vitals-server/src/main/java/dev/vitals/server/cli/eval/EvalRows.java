package dev.vitals.server.cli.eval;

import static dev.vitals.server.cli.eval.EvalCommand.CHUNK;
import static dev.vitals.server.cli.eval.EvalCommand.quote;
import static dev.vitals.server.cli.eval.EvalCommand.rejected;
import static dev.vitals.server.cli.eval.EvalCommand.where;

import dev.vitals.quality.ClassificationReport;
import dev.vitals.quality.ExactRocAuc;
import dev.vitals.quality.Labels;
import dev.vitals.quality.QualityReport;
import dev.vitals.quality.QualitySpec;
import dev.vitals.quality.QualityStats;
import dev.vitals.server.cli.eval.EvalCommand.EvalException;
import dev.vitals.server.csv.CsvReader;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/** The rows of {@code vitals eval} by task: checked on the reading thread, added to the stats on a worker. */
final class EvalRows {
    private EvalRows() {
    }

    /**
     * Checks rows and hands them to {@link QualityStats} in chunks. The reading thread parses and
     * checks rows into one chunk while a worker thread adds the previous chunk to the stats, so at
     * most two chunks exist. A chunk the library rejects names its line; when the reader fails too,
     * the worker's error is reported because its chunk came first.
     */
    abstract static class Rows<C extends Chunk> implements AutoCloseable {
        final String positive;
        final int aucBins;
        final List<String> header;
        final int[] index;
        final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "vitals-eval-stats");
            t.setDaemon(true);
            return t;
        });
        C current;
        C spare;
        Future<?> pending;
        QualityStats stats;
        /** Every score, for the exact ROC AUC (the stats' own is binned); null without scores. */
        ExactRocAuc auc;
        /** The reader of the rows: numbers of plain rows come from its bytes. */
        CsvReader reader;

        Rows(EvalCommand cmd, List<String> header, int[] index) {
            this.positive = cmd.positive;
            this.aucBins = cmd.aucBins;
            this.header = header;
            this.index = index;
        }

        /** Starts with an empty chunk (subclasses call it once their fields are set). */
        void begin() {
            current = newChunk(CHUNK);
        }

        /** Checks one row and keeps it; hands a full chunk over. */
        final void add(String[] fields, long line) throws EvalException {
            C c = current;
            if (c.n == c.lines.length) {
                if (stats != null) {
                    submit();
                    c = current;
                } else {
                    c = current = grow(c, c.lines.length * 2);
                }
            }
            c.lines[c.n] = line;
            keep(fields, line, c, c.n);
            c.n++;
        }

        /** Hands {@code current} to the worker once the previous chunk is in; continues in the spare. */
        private void submit() throws EvalException {
            await();
            C full = current;
            pending = worker.submit(() -> {
                apply(full);
                return null;
            });
            current = spare != null && spare.lines.length == CHUNK ? spare : newChunk(CHUNK);
            current.n = 0;
            spare = full.lines.length == CHUNK ? full : null;
        }

        /** Waits for the chunk in flight; rethrows its rejection. */
        void await() throws EvalException {
            if (pending == null) {
                return;
            }
            Future<?> f = pending;
            pending = null;
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new EvalException(1, "interrupted");
            } catch (ExecutionException e) {
                if (e.getCause() instanceof EvalException ee) {
                    throw ee;
                }
                throw new IllegalStateException(e.getCause());
            }
        }

        /** Field {@code column} as a finite number ({@link EvalCommand#number}), from the bytes where it can. */
        double number(String[] fields, int column, long line) throws EvalException {
            double v = reader == null ? Double.NaN : reader.plainDecimal(column);
            return v == v ? v : EvalCommand.number(text(fields, column), line, header, column);
        }

        /** A numeric column's text (read lazily, see {@link CsvReader#lazyText}). */
        String text(String[] fields, int column) {
            return reader == null ? fields[column] : reader.text(fields, column);
        }

        /** The columns read as numbers, whose text is made when a message needs it. */
        int[] numberColumns() {
            return new int[0];
        }

        /** The columns read as labels (text). */
        int[] labelColumns() {
            return new int[] {index[0], index[1]};
        }

        String label(String[] fields, int k, long line) throws EvalException {
            String s = fields[index[k]];
            if (s.isEmpty()) {
                throw new EvalException(1, where(line, header, index[k]) + ": empty, expected a label");
            }
            return s;
        }

        abstract C newChunk(int capacity);

        /** Only while the spec is not known yet (binary labels): more room for the pending rows. */
        C grow(C c, int capacity) {
            throw new IllegalStateException("only pending binary rows grow");
        }

        /** Checks fields into row {@code row} of {@code c}. */
        abstract void keep(String[] fields, long line, C c, int row) throws EvalException;

        /** Adds the chunk's rows to stats (on the worker); maps a rejection to its line. */
        abstract void apply(C c) throws EvalException;

        QualityReport finish() throws EvalException {
            await();
            if (current.n > 0) {
                apply(current);
                current.n = 0;
            }
            QualityReport r = stats.report();
            ClassificationReport c = r.classification();
            if (auc == null || c == null || c.scoredCount() == 0) {
                return r;
            }
            double exact = c.positiveLabel() != null ? auc.auc(0) : auc.macro();
            return new QualityReport(r.fromMillis(), r.toMillis(), new ClassificationReport(c.count(), c.accuracy(), c.classes(),
                    c.macro(), c.micro(), c.weighted(), c.confusion(), c.positiveLabel(), c.scoredCount(), exact, 0.0, c.logLoss()),
                    r.regression(), r.scores(), r.text());
        }

        @Override
        public void close() {
            worker.shutdownNow();
        }
    }

    /** Rows of one batch: their lines, and columns in subclasses. */
    static class Chunk {
        final long[] lines;
        int n;

        Chunk(int capacity) {
            lines = new long[capacity];
        }
    }

    static final class NumberChunk extends Chunk {
        final double[] actual;
        final double[] predicted;

        NumberChunk(int capacity) {
            super(capacity);
            actual = new double[capacity];
            predicted = new double[capacity];
        }
    }

    static final class LabelChunk extends Chunk {
        final String[] actual;
        final String[] predicted;
        final double[] values; // scores (one per row) or probabilities (row-major); null when none

        LabelChunk(int capacity, int valuesPerRow) {
            super(capacity);
            actual = new String[capacity];
            predicted = new String[capacity];
            values = valuesPerRow == 0 ? null : new double[capacity * valuesPerRow];
        }
    }

    static final class RegressionRows extends Rows<NumberChunk> {
        RegressionRows(EvalCommand cmd, List<String> header, int[] index) {
            super(cmd, header, index);
            stats = QualityStats.create();
            begin();
        }

        @Override
        NumberChunk newChunk(int capacity) {
            return new NumberChunk(capacity);
        }

        @Override
        int[] numberColumns() {
            return new int[] {index[0], index[1]};
        }

        @Override
        int[] labelColumns() {
            return new int[0];
        }

        @Override
        void keep(String[] f, long line, NumberChunk c, int row) throws EvalException {
            c.actual[row] = number(f, index[0], line);
            c.predicted[row] = number(f, index[1], line);
        }

        @Override
        void apply(NumberChunk c) throws EvalException {
            try {
                stats.addRegression(c.actual, c.predicted, c.n);
            } catch (IllegalArgumentException e) {
                throw rejected(e, c.lines);
            }
        }
    }

    /** Classification from labels only: an open multiclass task. */
    static final class LabelRows extends Rows<LabelChunk> {
        LabelRows(EvalCommand cmd, List<String> header, int[] index) {
            super(cmd, header, index);
            stats = QualityStats.create(QualitySpec.builder().aucBins(aucBins).build());
            begin();
        }

        @Override
        LabelChunk newChunk(int capacity) {
            return new LabelChunk(capacity, 0);
        }

        @Override
        void keep(String[] f, long line, LabelChunk c, int row) throws EvalException {
            c.actual[row] = label(f, 0, line);
            c.predicted[row] = label(f, 1, line);
        }

        @Override
        void apply(LabelChunk c) throws EvalException {
            try {
                stats.addClassification(c.actual, c.predicted, (double[]) null, c.n);
            } catch (IllegalArgumentException e) {
                throw rejected(e, c.lines);
            }
        }
    }

    /**
     * A binary task: its two labels come from --positive and the data, so the spec is made once
     * both are known (rows are held until then, normally fewer than one chunk).
     */
    static final class BinaryRows extends Rows<LabelChunk> {
        final boolean scored;
        String first;
        String second;

        BinaryRows(EvalCommand cmd, List<String> header, int[] index, boolean scored) {
            super(cmd, header, index);
            this.scored = scored;
            this.first = positive;
            this.auc = scored ? new ExactRocAuc(1) : null;
            begin();
        }

        @Override
        LabelChunk newChunk(int capacity) {
            return new LabelChunk(capacity, scored ? 1 : 0);
        }

        @Override
        int[] numberColumns() {
            return scored ? new int[] {index[2]} : new int[0];
        }

        @Override
        LabelChunk grow(LabelChunk c, int capacity) {
            LabelChunk g = newChunk(capacity);
            System.arraycopy(c.lines, 0, g.lines, 0, c.n);
            System.arraycopy(c.actual, 0, g.actual, 0, c.n);
            System.arraycopy(c.predicted, 0, g.predicted, 0, c.n);
            if (scored) {
                System.arraycopy(c.values, 0, g.values, 0, c.n);
            }
            g.n = c.n;
            return g;
        }

        @Override
        void keep(String[] f, long line, LabelChunk c, int row) throws EvalException {
            String a = label(f, 0, line);
            String p = label(f, 1, line);
            check(a, line, 0);
            check(p, line, 1);
            c.actual[row] = a;
            c.predicted[row] = p;
            if (scored) {
                double s = number(f, index[2], line);
                if (!(s >= 0 && s <= 1)) {
                    throw new EvalException(1, where(line, header, index[2]) + ": score " + text(f, index[2]).trim()
                            + " is outside [0, 1]; it must be the probability of the positive label");
                }
                c.values[row] = s;
            }
        }

        private void check(String label, long line, int k) throws EvalException {
            if (label.equals(first) || label.equals(second)) {
                return;
            }
            if (first == null) {
                first = label;
            } else if (second == null) {
                second = label;
                if (stats == null) {
                    start();
                }
            } else {
                throw new EvalException(1, where(line, header, index[k]) + ": a third label " + quote(label)
                        + "; a binary task (--score-col, --positive) has two: " + quote(stats.spec().negativeLabel())
                        + " and " + quote(stats.spec().positiveLabel()) + ". For more classes use --proba-cols,"
                        + " or neither option");
            }
        }

        /** Both labels are known: the spec. */
        private void start() {
            String pos = positive != null ? positive
                    : Labels.ORDER.compare(first, second) > 0 ? first : second;
            String neg = pos.equals(first) ? second : first;
            stats = QualityStats.create(QualitySpec.builder().binary(neg, pos).aucBins(aucBins).build());
        }

        @Override
        void apply(LabelChunk c) throws EvalException {
            try {
                stats.addClassification(c.actual, c.predicted, c.values, c.n);
            } catch (IllegalArgumentException e) {
                throw rejected(e, c.lines);
            }
            if (auc != null) {
                String pos = stats.spec().positiveLabel();
                for (int i = 0; i < c.n; i++) {
                    auc.add(0, pos.equals(c.actual[i]), c.values[i]);
                }
            }
        }

        @Override
        QualityReport finish() throws EvalException {
            if (stats == null) {
                // one label in the whole file
                if (positive == null) {
                    throw new EvalException(1, "only the label " + quote(first) + " occurs, so the positive label"
                            + " is ambiguous; name it with --positive");
                }
                // every row is positive: the negative label never shows in the report
                String neg = positive.equals("0") ? "1" : "0";
                stats = QualityStats.create(QualitySpec.builder().binary(neg, positive).aucBins(aucBins).build());
            }
            return super.finish();
        }
    }

    /** A closed multiclass task whose labels are the --proba-cols classes. */
    static final class ProbaRows extends Rows<LabelChunk> {
        final String[] classes;
        final Map<String, String> interned = new HashMap<>();
        final Map<String, Integer> position = new HashMap<>();
        final int m;

        ProbaRows(EvalCommand cmd, List<String> header, int[] index, String[] classes) {
            super(cmd, header, index);
            this.classes = classes;
            this.m = classes.length;
            for (int j = 0; j < classes.length; j++) {
                interned.put(classes[j], classes[j]);
                position.put(classes[j], j);
            }
            this.auc = new ExactRocAuc(classes.length);
            stats = QualityStats.create(QualitySpec.builder().labels(classes).aucBins(aucBins)
                    .maxLabels(Math.max(1000, classes.length)).build());
            begin();
        }

        @Override
        LabelChunk newChunk(int capacity) {
            return new LabelChunk(capacity, m);
        }

        @Override
        int[] numberColumns() {
            return Arrays.copyOfRange(index, 2, index.length);
        }

        private String known(String[] f, int k, long line) throws EvalException {
            String s = label(f, k, line);
            String c = interned.get(s);
            if (c == null) {
                throw new EvalException(1, where(line, header, index[k]) + ": label " + quote(s)
                        + " has no probability column; the classes (--proba-cols) are " + Arrays.toString(classes));
            }
            return c;
        }

        @Override
        void keep(String[] f, long line, LabelChunk c, int row) throws EvalException {
            c.actual[row] = known(f, 0, line);
            c.predicted[row] = known(f, 1, line);
            int base = row * m;
            double sum = 0;
            for (int j = 0; j < m; j++) {
                int col = index[2 + j];
                double p = number(f, col, line);
                if (!(p >= 0 && p <= 1)) {
                    throw new EvalException(1, where(line, header, col) + ": probability " + text(f, col).trim()
                            + " is outside [0, 1]");
                }
                c.values[base + j] = p;
                sum += p;
            }
            if (!(Math.abs(sum - 1) <= 1e-6)) {
                StringBuilder cols = new StringBuilder();
                for (int j = 0; j < m; j++) {
                    cols.append(j == 0 ? "" : ", ").append(index[2 + j] + 1).append(" (")
                            .append(quote(header.get(index[2 + j]))).append(')');
                }
                throw new EvalException(1, "line " + line + ", columns " + cols + " (--proba-cols): probabilities"
                        + " sum to " + sum + ", not 1 (tolerance 1e-6)");
            }
        }

        @Override
        void apply(LabelChunk c) throws EvalException {
            try {
                stats.addClassification(c.actual, c.predicted, classes, c.values, c.n);
            } catch (IllegalArgumentException e) {
                throw rejected(e, c.lines);
            }
            for (int i = 0; i < c.n; i++) {
                int a = position.get(c.actual[i]);
                for (int j = 0; j < m; j++) {
                    auc.add(j, a == j, c.values[i * m + j]);
                }
            }
        }
    }
}
