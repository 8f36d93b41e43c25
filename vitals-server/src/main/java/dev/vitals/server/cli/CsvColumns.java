package dev.vitals.server.cli;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.io.NumberInput;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The columns of one CSV file, typed, as {@code vitals drift} reads them (with jackson-dataformat-csv).
 *
 * <ul>
 *   <li>A header line is required; its names are trimmed, must be non-empty and distinct. Blank lines are skipped;
 *       every other line must have as many fields as the header. Fields may be quoted with {@code "} (RFC 4180).</li>
 *   <li>Delimiter, per file: whichever of {@code ,} {@code ;} and tab occurs most often in the header line outside
 *       quotes (ties: {@code ,} then {@code ;} then tab; none: {@code ,}, a single column).</li>
 *   <li>Encoding, per file: UTF-8, with or without a byte-order mark; a file whose bytes are not valid UTF-8 is
 *       read again as Latin-1 (ISO-8859-1, which accepts any byte; Windows-1252's 0x80-0x9F punctuation then reads
 *       as control characters). UTF-16 (its byte-order mark) is refused.</li>
 *   <li>Nulls: an empty field, {@code NA}, {@code NaN} and {@code null} (any case, surrounding spaces ignored).</li>
 *   <li>A column is numeric when every other value is a decimal number ({@code -1.5}, {@code 2e-3}, {@code .5};
 *       surrounding spaces ignored; {@code inf}/{@code infinity} with an optional sign also parse, and are counted
 *       as nulls as the drift library counts ±infinity); otherwise categorical, its values kept exactly as written.
 *       The decimal separator is {@code .}; there are no thousands separators.</li>
 * </ul>
 *
 * <p>Values are streamed into chunks of primitive arrays (numeric) or interned strings (categorical); a column
 * that turns out categorical after numeric-looking values is read once more as text (the second pass reads that
 * file again, which happens only for such columns).
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

    private static final CsvFactory FACTORY = CsvFactory.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();
    private static final int CHUNK = 8192;
    /** First buffer of a column: grown by doubling to {@link #CHUNK}, so a wide, short file allocates little. */
    private static final int FIRST = 16;
    /** Default cap on a header's columns ({@code --max-columns}). */
    static final int DEFAULT_MAX_COLUMNS = 10_000;
    private static final int SNIFF_BYTES = 1 << 16;
    /** Interning stops past this many distinct values of a column (high cardinality gains nothing from it). */
    private static final int INTERN_LIMIT = 1 << 16;

    private final Path path;
    private final String label;
    private final char delimiter;
    private final Charset charset;
    private final boolean bom;
    private final long bytes;
    private final int rows;
    private final Map<String, Column> columns;

    private CsvColumns(Path path, String label, char delimiter, Charset charset, boolean bom, long bytes, int rows,
                       Map<String, Column> columns) {
        this.path = path;
        this.label = label;
        this.delimiter = delimiter;
        this.charset = charset;
        this.bom = bom;
        this.bytes = bytes;
        this.rows = rows;
        this.columns = Collections.unmodifiableMap(columns);
    }

    /** A file that cannot be compared, with a message for the user (file, line and column where they apply). */
    public static final class CsvException extends Exception {
        private static final long serialVersionUID = 1L;

        CsvException(String message) {
            super(message);
        }
    }

    /** One column of the file. */
    public static final class Column {
        private final String name;
        private final Kind kind;
        private final int size;
        private final long nulls;
        private final double[] numbers;
        private final String[] texts;
        private final long firstTextLine;
        private final String firstText;

        private Column(String name, Kind kind, int size, long nulls, double[] numbers, String[] texts,
                       long firstTextLine, String firstText) {
            this.name = name;
            this.kind = kind;
            this.size = size;
            this.nulls = nulls;
            this.numbers = numbers;
            this.texts = texts;
            this.firstTextLine = firstTextLine;
            this.firstText = firstText;
        }

        public String name() {
            return name;
        }

        public Kind kind() {
            return kind;
        }

        /** Nulls (empty, NA, NaN, null; in a numeric column also ±infinity). */
        public long nulls() {
            return nulls;
        }

        /** Whether the values were kept as text (a categorical column, or one read as text on request). */
        public boolean hasTexts() {
            return texts != null || kind == Kind.EMPTY;
        }

        /** The values as numbers, NaN for nulls; for a numeric or empty column. */
        public double[] numbers() {
            if (numbers != null) {
                return numbers;
            }
            if (kind == Kind.EMPTY) {
                double[] d = new double[size];
                Arrays.fill(d, Double.NaN);
                return d;
            }
            throw new IllegalStateException("column \"" + name + "\" was read as text");
        }

        /** The values as text, null for nulls; for a column read as text, or an empty one. */
        public String[] texts() {
            if (texts != null) {
                return texts;
            }
            if (kind == Kind.EMPTY) {
                return new String[size];
            }
            throw new IllegalStateException("column \"" + name + "\" was read as numbers");
        }

        /** The 1-based line of the first value that is not a number (header = line 1); -1 when none. */
        public long firstTextLine() {
            return firstTextLine;
        }

        /** The first value that is not a number; null when none. */
        public String firstText() {
            return firstText;
        }
    }

    /** The path as the user gave it, for messages. */
    public String label() {
        return label;
    }

    public Path path() {
        return path;
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
     * @param progress reports bytes read; {@link ByteProgress#NONE} for none
     */
    static CsvColumns read(Path path, String label, Set<String> asText, ByteProgress progress)
            throws CsvException, IOException {
        return read(path, label, asText, progress, DEFAULT_MAX_COLUMNS);
    }

    /**
     * The header's column names only (the file's first record), at most {@code maxColumns} of them, read
     * the same way {@link #read} reads it: enough to compare two files before any value is buffered.
     */
    static List<String> header(Path path, String label, int maxColumns) throws CsvException, IOException {
        Pass p = prepare(path, label, Set.of(), maxColumns);
        p.headerOnly = true;
        try {
            p.run(StandardCharsets.UTF_8, ByteProgress.NONE.start(label, 0));
        } catch (CharacterCodingException e) {
            p = prepare(path, label, Set.of(), maxColumns);
            p.headerOnly = true;
            p.run(StandardCharsets.ISO_8859_1, ByteProgress.NONE.start(label, 0));
        }
        return List.of(p.names);
    }

    private static Pass prepare(Path path, String label, Set<String> text, int maxColumns) throws CsvException, IOException {
        long size;
        try {
            if (Files.isDirectory(path)) {
                throw new CsvException(label + " is a directory, not a CSV file");
            }
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new CsvException(label + ": no such file");
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(path)) {
            head = in.readNBytes((int) Math.min(size, SNIFF_BYTES));
        } catch (java.nio.file.AccessDeniedException e) {
            throw new CsvException(label + ": cannot read the file (permission denied)");
        }
        if (head.length >= 2 && ((head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff
                || (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe)) {
            throw new CsvException(label + " is UTF-16 (byte-order mark " + String.format("%02X %02X", head[0] & 0xff,
                    head[1] & 0xff) + "); save it as UTF-8");
        }
        boolean bom = head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb && (head[2] & 0xff) == 0xbf;
        int skip = bom ? 3 : 0;
        Pass p = new Pass(path, label, sniffDelimiter(head, skip), skip, text);
        p.maxColumns = maxColumns;
        return p;
    }

    /** {@link #read(Path, String, Set, ByteProgress)} with a cap on the header's columns. */
    static CsvColumns read(Path path, String label, Set<String> asText, ByteProgress progress, int maxColumns)
            throws CsvException, IOException {
        long size;
        try {
            if (Files.isDirectory(path)) {
                throw new CsvException(label + " is a directory, not a CSV file");
            }
            size = Files.size(path);
        } catch (NoSuchFileException e) {
            throw new CsvException(label + ": no such file");
        }
        if (!Files.isReadable(path)) {
            throw new CsvException(label + ": cannot read the file (permission denied)");
        }
        byte[] head = new byte[(int) Math.min(size, SNIFF_BYTES)];
        try (InputStream in = Files.newInputStream(path)) {
            int off = 0;
            while (off < head.length) {
                int n = in.read(head, off, head.length - off);
                if (n < 0) {
                    break;
                }
                off += n;
            }
        }
        if ((head.length >= 2 && (head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff)
                || (head.length >= 2 && (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe)) {
            throw new CsvException(label + " is UTF-16 (byte-order mark " + String.format("%02X %02X", head[0] & 0xff,
                    head[1] & 0xff) + "); save it as UTF-8");
        }
        boolean bom = head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb
                && (head[2] & 0xff) == 0xbf;
        int skip = bom ? 3 : 0;
        char delimiter = sniffDelimiter(head, skip);
        Set<String> text = new HashSet<>(asText);
        Charset charset = StandardCharsets.UTF_8;
        for (int pass = 0; ; pass++) {
            Pass p = new Pass(path, label, delimiter, skip, text);
            p.maxColumns = maxColumns;
            ByteProgress.File bar = progress.start(pass == 0 ? label : label + " (again)", size);
            try {
                p.run(charset, bar);
            } catch (CharacterCodingException e) {
                if (charset == StandardCharsets.ISO_8859_1) {
                    throw e; // cannot happen: Latin-1 decodes every byte
                }
                charset = StandardCharsets.ISO_8859_1;
                continue;
            } finally {
                bar.done();
            }
            if (p.reread.isEmpty()) {
                return new CsvColumns(path, label, delimiter, charset, bom, size, p.rows, p.columns());
            }
            if (pass > 2) {
                throw new IllegalStateException("column types did not settle reading " + label);
            }
            text.addAll(p.reread);
        }
    }

    /**
     * The header's most frequent of {@code ,} {@code ;} and tab outside double quotes (ties in that order);
     * {@code ,} when none occurs.
     */
    static char sniffDelimiter(byte[] head, int from) {
        int comma = 0;
        int semicolon = 0;
        int tab = 0;
        boolean quoted = false;
        for (int i = from; i < head.length; i++) {
            byte b = head[i];
            if (b == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                if (b == '\n' || b == '\r') {
                    break;
                }
                if (b == ',') {
                    comma++;
                } else if (b == ';') {
                    semicolon++;
                } else if (b == '\t') {
                    tab++;
                }
            }
        }
        if (comma >= semicolon && comma >= tab) {
            return ',';
        }
        return semicolon >= tab ? ';' : '\t';
    }

    /** Null markers: empty, NA, NaN, null (any case, surrounding spaces ignored). */
    static boolean isNull(String s) {
        int from = 0;
        int to = s.length();
        while (from < to && s.charAt(from) <= ' ') {
            from++;
        }
        while (to > from && s.charAt(to - 1) <= ' ') {
            to--;
        }
        int len = to - from;
        if (len == 0) {
            return true;
        }
        if (len > 4 || len < 2) {
            return false;
        }
        return s.regionMatches(true, from, "na", 0, 2) && len == 2
                || s.regionMatches(true, from, "nan", 0, 3) && len == 3
                || s.regionMatches(true, from, "null", 0, 4) && len == 4;
    }

    /**
     * Whether a non-null value is a decimal number: optional sign, digits with an optional fraction (or a fraction
     * alone), an optional exponent; or inf/infinity with an optional sign, any case. Surrounding spaces ignored.
     */
    static boolean isNumber(String s) {
        int i = 0;
        int n = s.length();
        while (i < n && s.charAt(i) <= ' ') {
            i++;
        }
        while (n > i && s.charAt(n - 1) <= ' ') {
            n--;
        }
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        if (i >= n) {
            return false;
        }
        char c0 = s.charAt(i);
        if (c0 == 'i' || c0 == 'I') {
            int len = n - i;
            return (len == 3 && s.regionMatches(true, i, "inf", 0, 3))
                    || (len == 8 && s.regionMatches(true, i, "infinity", 0, 8));
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exp = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exp++;
            }
            if (exp == 0) {
                return false;
            }
        }
        return i == n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Parses a value {@link #isNumber} accepted. */
    static double parseNumber(String s) {
        String t = s.strip();
        char c = t.charAt(0);
        int sign = c == '-' ? -1 : 1;
        int start = c == '+' || c == '-' ? 1 : 0;
        char d = t.charAt(start);
        if (d == 'i' || d == 'I') {
            return sign * Double.POSITIVE_INFINITY;
        }
        return NumberInput.parseDouble(t, true);
    }

    /** "line 12, column "x"" for messages. */
    static String where(String file, long line, String column) {
        return file + " line " + line + ", column \"" + column + "\"";
    }

    /** The message for a value that is not a number in a column that is numeric in the other file. */
    static String mixedTypes(String file, long line, String column, String value, String numericFile) {
        return where(file, line, column) + ": \"" + shorten(value) + "\" is not a number, but the column is numeric in "
                + numericFile + " (every value there is a number). Fix the value, or pass --categorical "
                + column + " to compare the column as categories.";
    }

    static String shorten(String s) {
        String t = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            b.append(c < ' ' || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

    /** One read of the file. */
    private static final class Pass {
        final Path path;
        final String label;
        final char delimiter;
        final int skip;
        final Set<String> text;
        final Set<String> reread = new HashSet<>();
        String[] names;
        Acc[] accs;
        int rows;
        int maxColumns = Integer.MAX_VALUE;
        boolean headerOnly;

        Pass(Path path, String label, char delimiter, int skip, Set<String> text) {
            this.path = path;
            this.label = label;
            this.delimiter = delimiter;
            this.skip = skip;
            this.text = text;
        }

        void run(Charset charset, ByteProgress.File progress) throws IOException, CsvException {
            InputStream raw = new CountingStream(Files.newInputStream(path), progress);
            try {
                raw.skipNBytes(skip); // the BOM, before the decoder reads anything
            } catch (IOException e) {
                raw.close();
                throw e;
            }
            try (raw; Reader reader = new InputStreamReader(raw, charset.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
                 CsvParser p = (CsvParser) FACTORY.createParser(reader)) {
                p.setSchema(CsvSchema.emptySchema().withColumnSeparator(delimiter));
                if (p.nextToken() != JsonToken.START_ARRAY) {
                    throw new CsvException(label + " is empty: a header line with the column names is needed");
                }
                header(p);
                if (headerOnly) {
                    return;
                }
                JsonToken t;
                while ((t = p.nextToken()) == JsonToken.START_ARRAY) {
                    row(p);
                }
                if (t != null) {
                    throw new CsvException(label + ": unexpected CSV token " + t);
                }
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new CsvException(label + " line " + e.getLocation().getLineNr() + ": malformed CSV: "
                        + e.getOriginalMessage());
            }
        }

        private void header(CsvParser p) throws IOException, CsvException {
            List<String> h = new ArrayList<>();
            while (p.nextToken() == JsonToken.VALUE_STRING) {
                if (h.size() >= maxColumns) {
                    throw new CsvException(label + " line 1: the header has more than " + maxColumns
                            + " columns (--max-columns); is this the right file?");
                }
                h.add(p.getText().strip());
            }
            Set<String> seen = new HashSet<>();
            for (int i = 0; i < h.size(); i++) {
                if (h.get(i).isEmpty()) {
                    throw new CsvException(label + " line 1: the header's column " + (i + 1)
                            + " has no name (every column needs a name)");
                }
                if (!seen.add(h.get(i))) {
                    throw new CsvException(label + " line 1: the header names column \"" + shorten(h.get(i))
                            + "\" twice");
                }
            }
            names = h.toArray(new String[0]);
            if (headerOnly) {
                return;
            }
            accs = new Acc[names.length];
            for (int i = 0; i < names.length; i++) {
                accs[i] = new Acc(text.contains(names[i]));
            }
        }

        private void row(CsvParser p) throws IOException, CsvException {
            if (rows == Integer.MAX_VALUE - 16) {
                throw new CsvException(label + ": more rows than one comparison can hold (" + rows + ")");
            }
            int col = 0;
            long line = -1;
            while (p.nextToken() == JsonToken.VALUE_STRING) {
                if (col == 0) {
                    line = p.getTokenLocation().getLineNr();
                }
                if (col < accs.length) {
                    String s = p.getText();
                    Acc a = accs[col];
                    if (a.add(s)) {
                        // the first value that is not a number
                        a.firstTextLine = p.getTokenLocation().getLineNr();
                        a.firstText = s;
                        if (a.lost) {
                            reread.add(names[col]);
                        }
                    }
                }
                col++;
            }
            if (col != accs.length) {
                throw new CsvException(label + " line " + line + ": " + col + (col == 1 ? " field" : " fields")
                        + ", but the header has " + accs.length + " columns");
            }
            rows++;
        }

        Map<String, Column> columns() {
            Map<String, Column> out = new LinkedHashMap<>();
            for (int i = 0; i < names.length; i++) {
                out.put(names[i], accs[i].column(names[i], rows));
            }
            return out;
        }
    }

    /** One column's values while reading. */
    private static final class Acc {
        boolean text;
        /** Numbers were dropped on the switch to text: the file must be read again for this column. */
        boolean lost;
        List<double[]> dChunks;
        double[] d;
        List<String[]> sChunks;
        String[] s;
        int pos;
        long nulls;
        long nonNull;
        long firstTextLine = -1;
        String firstText;
        Map<String, String> intern;

        Acc(boolean text) {
            this.text = text;
            if (text) {
                startText();
            } else {
                dChunks = new ArrayList<>();
                d = new double[FIRST];
            }
        }

        private void startText() {
            sChunks = new ArrayList<>();
            s = new String[FIRST];
            intern = new HashMap<>();
        }

        /** Adds a value; true when it is this column's first value that is not a number. */
        boolean add(String v) {
            if (isNull(v)) {
                nulls++;
                if (text) {
                    putText(null);
                } else if (!lost) {
                    putNumber(Double.NaN);
                }
                return false;
            }
            nonNull++;
            if (text) {
                boolean first = firstTextLine < 0 && !isNumber(v);
                putText(internOf(v));
                return first;
            }
            if (lost) {
                return false;
            }
            if (isNumber(v)) {
                double x = parseNumber(v);
                if (!Double.isFinite(x)) {
                    nulls++; // ±infinity: a null for the drift tests, as the library counts it
                }
                putNumber(x);
                return false;
            }
            // the first text: switch to text; the earlier numbers are lost unless they were all nulls
            long before = nonNull - 1;
            int count = dCount();
            dChunks = null;
            d = null;
            text = true;
            startText();
            pos = 0;
            if (before == 0) {
                for (int i = 0; i < count; i++) {
                    putText(null);
                }
                putText(internOf(v));
            } else {
                lost = true;
                sChunks = null;
                s = null;
                intern = null;
            }
            return true;
        }

        private String internOf(String v) {
            if (intern == null) {
                return v;
            }
            String known = intern.putIfAbsent(v, v);
            if (known != null) {
                return known;
            }
            if (intern.size() > INTERN_LIMIT) {
                intern = null;
            }
            return v;
        }

        private int dCount() {
            return dChunks.size() * CHUNK + pos;
        }

        private void putNumber(double x) {
            if (pos == d.length) {
                if (d.length < CHUNK) {
                    d = java.util.Arrays.copyOf(d, Math.min(CHUNK, d.length * 2)); // sized by what is read
                } else {
                    dChunks.add(d);
                    d = new double[CHUNK];
                    pos = 0;
                }
            }
            d[pos++] = x;
        }

        private void putText(String v) {
            if (lost) {
                return;
            }
            if (pos == s.length) {
                if (s.length < CHUNK) {
                    s = java.util.Arrays.copyOf(s, Math.min(CHUNK, s.length * 2));
                } else {
                    sChunks.add(s);
                    s = new String[CHUNK];
                    pos = 0;
                }
            }
            s[pos++] = v;
        }

        Column column(String name, int rows) {
            Kind kind = firstTextLine >= 0 ? Kind.TEXT : nonNull > 0 ? Kind.NUMERIC : Kind.EMPTY;
            if (text) {
                String[] all = new String[rows];
                int at = 0;
                for (String[] c : sChunks) {
                    System.arraycopy(c, 0, all, at, CHUNK);
                    at += CHUNK;
                }
                System.arraycopy(s, 0, all, at, pos);
                sChunks = null;
                s = null;
                return new Column(name, kind, rows, nulls, null, all, firstTextLine, firstText);
            }
            double[] all = new double[rows];
            int at = 0;
            for (double[] c : dChunks) {
                System.arraycopy(c, 0, all, at, CHUNK);
                at += CHUNK;
            }
            System.arraycopy(d, 0, all, at, pos);
            dChunks = null;
            d = null;
            return new Column(name, kind, rows, nulls, kind == Kind.EMPTY ? null : all, null, firstTextLine,
                    firstText);
        }
    }

    /** Reports the bytes read from the underlying file. */
    private static final class CountingStream extends FilterInputStream {
        private final ByteProgress.File progress;
        private long count;

        CountingStream(InputStream in, ByteProgress.File progress) {
            super(in);
            this.progress = progress;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                progress.update(++count);
            }
            return b;
        }

        @Override
        public int read(byte[] buf, int off, int len) throws IOException {
            int n = super.read(buf, off, len);
            if (n > 0) {
                count += n;
                progress.update(count);
            }
            return n;
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%d rows, %s, %s)", label, rows, delimiterLabel(), encodingLabel());
    }
}
