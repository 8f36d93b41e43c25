package dev.vitals.server.csv;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The columns of one CSV input, typed, as {@code vitals drift} and the drift reference upload read them: the rows
 * come from {@link CsvReader} (its encoding, delimiter, quoting and blank-line rules), the values follow
 * {@link CsvValues} (nulls, numbers).
 *
 * <ul>
 *   <li>The header's names are trimmed, must be non-empty and distinct; every row must have as many fields.</li>
 *   <li>A file whose bytes are not valid UTF-8 is read again as Latin-1 (ISO-8859-1, which accepts any byte;
 *       Windows-1252's 0x80-0x9F punctuation then reads as control characters).</li>
 *   <li>A column is numeric when every non-null value is a number ({@code inf}/{@code infinity} parse, and are
 *       counted as nulls as the drift library counts ±infinity); otherwise categorical, its values kept exactly
 *       as written.</li>
 * </ul>
 *
 * <p>Values are streamed into chunks: {@link Numbers} (decimal mantissas, 4 bytes a value, or doubles) for a
 * numeric column, kept as chunks, or interned strings (categorical); a column that turns out categorical after
 * numeric-looking values is read once more as text (the second pass reads that file again, which happens only
 * for such columns).
 */
public final class CsvColumns {
    /** What a column holds in one file. */
    public enum Kind {
        /** Every non-null value is a number, and there is at least one. */
        NUMERIC,
        /** At least one non-null value is not a number. */
        TEXT,
        /** Only nulls (or no rows). */
        EMPTY
    }


    private final String label;
    private final char delimiter;
    private final Charset charset;
    private final boolean bom;
    private final long bytes;
    private final int rows;
    private final Map<String, Column> columns;

    CsvColumns(String label, char delimiter, Charset charset, boolean bom, long bytes, int rows,
                       Map<String, Column> columns) {
        this.label = label;
        this.delimiter = delimiter;
        this.charset = charset;
        this.bom = bom;
        this.bytes = bytes;
        this.rows = rows;
        this.columns = Collections.unmodifiableMap(columns);
    }

    /**
     * One column of the file.
     *
     * @param nulls nulls (empty, NA, NaN, null; in a numeric column also ±infinity)
     * @param values a numeric column's values as read (compact); null for a text or empty column
     * @param firstTextLine the 1-based line of the first value that is not a number (header = line 1); -1 when none
     * @param firstText the first value that is not a number; null when none
     */
    public record Column(String name, Kind kind, int size, long nulls, Numbers values, String[] texts,
                         long firstTextLine, String firstText) {

        /** Whether the values were kept as text (a categorical column, or one read as text on request). */
        public boolean hasTexts() {
            return texts != null || kind == Kind.EMPTY;
        }

        /**
         * The values as numbers in file order, NaN for nulls; for a numeric or empty column. A new array on each
         * call (8 bytes a value): {@link #values()} reads them without one.
         */
        public double[] numbers() {
            if (values != null) {
                return values.toArray();
            }
            if (kind == Kind.EMPTY) {
                double[] d = new double[size];
                Arrays.fill(d, Double.NaN);
                return d;
            }
            throw new IllegalStateException("column \"" + name + "\" was read as text");
        }

        /** The values as text, null for nulls; for a column read as text, or an empty one. */
        @Override
        public String[] texts() {
            if (texts != null) {
                return texts;
            }
            if (kind == Kind.EMPTY) {
                return new String[size];
            }
            throw new IllegalStateException("column \"" + name + "\" was read as numbers");
        }
    }

    /** The path as the user gave it, for messages. */
    public String label() {
        return label;
    }

    public char delimiter() {
        return delimiter;
    }

    public Charset charset() {
        return charset;
    }

    /** Whether the file starts with a UTF-8 byte-order mark. */
    public boolean bom() {
        return bom;
    }

    /** The file's size in bytes. */
    public long bytes() {
        return bytes;
    }

    /** Data rows (lines after the header, blank ones skipped; a quoted field may span lines). */
    public int rows() {
        return rows;
    }

    /** The columns in header order. */
    public Map<String, Column> columns() {
        return columns;
    }

    /** The column names in header order. */
    public List<String> names() {
        return new ArrayList<>(columns.keySet());
    }

    /** "UTF-8", "UTF-8 with BOM" or "Latin-1 (not valid UTF-8)". */
    public String encodingLabel() {
        if (charset.equals(StandardCharsets.ISO_8859_1)) {
            return "Latin-1 (not valid UTF-8)";
        }
        return bom ? "UTF-8 with BOM" : "UTF-8";
    }

    /** "comma", "semicolon" or "tab". */
    public String delimiterLabel() {
        return delimiter == ',' ? "comma" : delimiter == ';' ? "semicolon" : "tab";
    }

    /**
     * Reads a file.
     *
     * @param path the file
     * @param label how messages name it (the path as given)
     * @param asText columns to keep as text from the start (categorical on request)
     * @param progress reports bytes read; {@link Progress#NONE} for none
     */
    public static CsvColumns read(Path path, String label, Set<String> asText, Progress progress)
            throws IOException {
        return read(CsvReader.Source.of(path, label), asText, progress, CsvReader.DEFAULT_MAX_COLUMNS);
    }

    /**
     * The header's column names only, at most {@code maxColumns} of them, read the same way {@link #read} reads
     * it: enough to compare two files before any value is buffered.
     */
    public static List<String> header(Path path, String label, int maxColumns) throws IOException {
        CsvReader.Source source = CsvReader.Source.of(path, label);
        try (CsvReader r = CsvReader.open(source, StandardCharsets.UTF_8, maxColumns, Progress.NONE.start(label, 0))) {
            return names(r);
        } catch (CsvInputException e) {
            if (!e.invalidEncoding()) {
                throw e;
            }
        }
        try (CsvReader r = CsvReader.open(source, StandardCharsets.ISO_8859_1, maxColumns, Progress.NONE.start(label, 0))) {
            return names(r);
        }
    }

    /**
     * Reads a source: a file, or an uploaded body ({@link CsvReader.Source#of(byte[], String)}).
     *
     * @param asText columns to keep as text from the start
     * @param maxColumns a cap on the header's columns
     */
    public static CsvColumns read(CsvReader.Source source, Set<String> asText, Progress progress, int maxColumns)
            throws IOException {
        String label = source.label();
        long size = source.size();
        Set<String> text = new HashSet<>(asText);
        Charset charset = StandardCharsets.UTF_8;
        for (int pass = 0; ; pass++) {
            Progress.File bar = progress.start(pass == 0 ? label : label + " (again)", size);
            Pass p;
            boolean bom;
            char delimiter;
            try (CsvReader r = CsvReader.open(source, charset, maxColumns, bar)) {
                bom = r.bom();
                delimiter = r.delimiter();
                p = new Pass(label, names(r), text);
                p.run(r);
            } catch (CsvInputException e) {
                if (!e.invalidEncoding() || charset == StandardCharsets.ISO_8859_1) {
                    throw e;
                }
                charset = StandardCharsets.ISO_8859_1; // Latin-1 decodes every byte
                continue;
            } finally {
                bar.done();
            }
            if (p.reread.isEmpty()) {
                return new CsvColumns(label, delimiter, charset, bom, size, p.rows, p.columns());
            }
            if (pass > 2) {
                throw new IllegalStateException("column types did not settle reading " + label);
            }
            text.addAll(p.reread);
        }
    }

    /** The header's names, trimmed; each must be non-empty and distinct. */
    private static List<String> names(CsvReader r) throws CsvInputException {
        List<String> h = r.header();
        List<String> names = new ArrayList<>(h.size());
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < h.size(); i++) {
            String n = h.get(i).strip();
            if (n.isEmpty()) {
                throw CsvInputException.at(r.label(), r.headerLine(), null, "the header's column " + (i + 1)
                        + " has no name (every column needs a name)");
            }
            if (!seen.add(n)) {
                throw CsvInputException.at(r.label(), r.headerLine(), null, "the header names column \""
                        + CsvValues.shorten(n) + "\" twice");
            }
            names.add(n);
        }
        return names;
    }

    /** The message for a value that is not a number in a column that is numeric in the other file. */
    public static String mixedTypes(String file, long line, String column, String value, String numericFile) {
        return CsvInputException.at(file, line, column, "\"" + CsvValues.shorten(value) + "\" is not a number, but"
                + " the column is numeric in " + numericFile + " (every value there is a number). Fix the value, or"
                + " pass --categorical " + column + " to compare the column as categories.").getMessage();
    }

    /** One read of the file. */
    private static final class Pass {
        final String label;
        final String[] names;
        final ColumnBuffer[] accs;
        final Set<String> reread = new HashSet<>();
        int rows;

        Pass(String label, List<String> names, Set<String> text) {
            this.label = label;
            this.names = names.toArray(new String[0]);
            accs = new ColumnBuffer[this.names.length];
            for (int i = 0; i < accs.length; i++) {
                accs[i] = new ColumnBuffer(text.contains(this.names[i]));
            }
        }

        void run(CsvReader r) throws IOException {
            String[] fields = new String[names.length];
            int n;
            while ((n = r.next(fields)) >= 0) {
                if (n != accs.length) {
                    throw CsvInputException.at(label, r.line(), null, n + (n == 1 ? " field" : " fields")
                            + ", but the header has " + accs.length + " columns");
                }
                if (rows == Integer.MAX_VALUE - 16) {
                    throw CsvInputException.at(label, r.line(), null, "more rows than one comparison can hold ("
                            + rows + ")");
                }
                for (int col = 0; col < n; col++) {
                    ColumnBuffer a = accs[col];
                    if (a.add(fields[col])) {
                        // the first value that is not a number
                        a.firstTextLine = r.line();
                        a.firstText = fields[col];
                        if (a.lost) {
                            reread.add(names[col]);
                        }
                    }
                }
                rows++;
            }
        }

        Map<String, Column> columns() {
            Map<String, Column> out = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                out.put(names[i], accs[i].column(names[i], rows));
            }
            return out;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%d rows, %s, %s)", label, rows, delimiterLabel(), encodingLabel());
    }
}
