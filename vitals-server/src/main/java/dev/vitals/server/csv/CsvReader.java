package dev.vitals.server.csv;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.Charset;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.AccessDeniedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * The one CSV reader of Vitals ({@code vitals eval}, {@code vitals drift}, the drift reference upload): rows
 * streamed, nothing kept per row; plain rows straight from the bytes ({@link PlainRows}), and from the first row
 * that is not plain (quotes, non-ASCII text, a lone CR) to the end with Jackson's CSV parser. The rules (README,
 * "CSV input"):
 *
 * <ul>
 *   <li>Encoding: UTF-8, with or without a byte-order mark; UTF-16 (its byte-order mark) is refused. Bytes that
 *       are not UTF-8 fail with their line ({@link CsvInputException#invalidEncoding()}); a caller may read the
 *       file again as Latin-1 ({@code drift} does, {@code eval} does not: its labels must be exact).</li>
 *   <li>Delimiter: whichever of {@code ,} {@code ;} and tab occurs most often in the header line outside double
 *       quotes (ties: {@code ,} then {@code ;}); none: {@code ,}, one column.</li>
 *   <li>Quoting: RFC 4180 ({@code ""} inside a quoted value is one quote); a quoted value may span lines; CRLF and
 *       LF line ends both work.</li>
 *   <li>The first non-blank line is the header; blank lines are skipped. Lines are 1-based physical lines; a row
 *       that spans lines is numbered by its first line.</li>
 *   <li>Nulls and numbers: {@link CsvValues}.</li>
 * </ul>
 */
public final class CsvReader implements Closeable {
    /** Default cap on a header's columns ({@code --max-columns}). */
    public static final int DEFAULT_MAX_COLUMNS = 10_000;
    /** The longest header searched for the delimiter. */
    private static final int SNIFF_BYTES = 1 << 20;
    private static final CsvFactory FACTORY = CsvFactory.builder().enable(CsvParser.Feature.SKIP_EMPTY_LINES).build();

    /** Where the bytes come from: a file or a request body. */
    public interface Source {
        /** How messages name it. */
        String label();

        /** Its size in bytes. */
        long size() throws IOException;

        /** A new stream from its first byte. */
        InputStream open() throws IOException;

        /** A file, named in messages as {@code label}. */
        static Source of(Path path, String label) {
            return new FileSource(path, label);
        }

        /** Bytes in memory (an uploaded body). */
        static Source of(byte[] bytes, String label) {
            return new BytesSource(bytes, label);
        }
    }

    private record FileSource(Path path, String label) implements Source {
        @Override
        public long size() throws IOException {
            return Files.size(path);
        }

        @Override
        public InputStream open() throws IOException {
            if (Files.isDirectory(path)) {
                throw new DirectoryException();
            }
            return Files.newInputStream(path);
        }
    }

    private record BytesSource(byte[] bytes, String label) implements Source {
        @Override
        public long size() {
            return bytes.length;
        }

        @Override
        public InputStream open() {
            return new ByteArrayInputStream(bytes);
        }
    }

    private static final class DirectoryException extends IOException {
        private static final long serialVersionUID = 1L;
    }

    private final Source source;
    private final String label;
    private final CountingStream counter;
    /** The fast path while rows are plain; null once the full parser took over. */
    private PlainRows plain;
    /** The full parser, from the first row that is not plain on; null before. */
    private CsvParser parser;
    /** Lines before the full parser's first line (its line numbers start at 1). */
    private long lineBase;
    private final long size;
    private final char delimiter;
    private final boolean bom;
    private final Charset charset;
    private final int maxColumns;
    private List<String> header;
    private long headerLine;
    private long line;

    private CsvReader(Source source, CountingStream counter, PlainRows plain, long size, char delimiter, boolean bom,
            Charset charset, int maxColumns) {
        this.source = source;
        this.label = source.label();
        this.counter = counter;
        this.plain = plain;
        this.size = size;
        this.delimiter = delimiter;
        this.bom = bom;
        this.charset = charset;
        this.maxColumns = maxColumns;
    }

    /** A file in UTF-8, at most {@link #DEFAULT_MAX_COLUMNS} columns, no progress bar. */
    public static CsvReader open(Path path, String label) throws IOException {
        return open(Source.of(path, label), StandardCharsets.UTF_8, DEFAULT_MAX_COLUMNS, Progress.NONE.start(label, 0));
    }

    /**
     * Opens a source: refuses a directory, a missing or unreadable file and UTF-16; skips a UTF-8 byte-order mark,
     * picks the delimiter and reads the header.
     *
     * @param charset UTF-8, or Latin-1 for a file that is not UTF-8
     * @param maxColumns a wider header fails while it is read
     * @param progress told the bytes read
     * @throws CsvInputException for each of those problems, and a file with no header
     */
    public static CsvReader open(Source source, Charset charset, int maxColumns, Progress.File progress)
            throws IOException {
        return open(source, charset, maxColumns, progress, true);
    }

    /** As {@link #open(Source, Charset, int, Progress.File)}; {@code fast} false: the full parser from the start. */
    static CsvReader open(Source source, Charset charset, int maxColumns, Progress.File progress, boolean fast)
            throws IOException {
        String label = source.label();
        long size;
        InputStream raw;
        try {
            raw = source.open();
            size = source.size();
        } catch (NoSuchFileException e) {
            throw CsvInputException.ofFile(label, "no such file");
        } catch (AccessDeniedException e) {
            throw CsvInputException.ofFile(label, "cannot read the file (permission denied)");
        } catch (DirectoryException e) {
            throw CsvInputException.ofFile(label, "is a directory, not a CSV file");
        }
        CountingStream counter = new CountingStream(raw, progress);
        try {
            BufferedInputStream in = new BufferedInputStream(counter, 1 << 16);
            in.mark(SNIFF_BYTES + 3);
            byte[] head = in.readNBytes(SNIFF_BYTES);
            in.reset();
            if (head.length >= 2 && ((head[0] & 0xff) == 0xfe && (head[1] & 0xff) == 0xff
                    || (head[0] & 0xff) == 0xff && (head[1] & 0xff) == 0xfe)) {
                throw CsvInputException.ofFile(label, String.format("is UTF-16 (byte-order mark %02X %02X); save it"
                        + " as UTF-8", head[0] & 0xff, head[1] & 0xff));
            }
            boolean bom = head.length >= 3 && (head[0] & 0xff) == 0xef && (head[1] & 0xff) == 0xbb
                    && (head[2] & 0xff) == 0xbf;
            if (bom) {
                in.skipNBytes(3); // before the decoder reads anything
            }
            char delimiter = CsvValues.sniffDelimiter(head, bom ? 3 : 0);
            CsvReader r = new CsvReader(source, counter, new PlainRows(in, delimiter), size, delimiter, bom, charset,
                    maxColumns);
            if (!fast) {
                r.startParser();
            }
            r.readHeader();
            return r;
        } catch (IOException | RuntimeException e) {
            counter.close();
            throw e;
        }
    }

    private void readHeader() throws IOException {
        List<String> h = new ArrayList<>();
        if (readRow(h, null) < 0) {
            throw CsvInputException.at(label, 1, null, "no header row: the file is empty");
        }
        headerLine = line;
        header = Collections.unmodifiableList(h);
    }

    /** How messages name the input. */
    public String label() {
        return label;
    }

    /** The delimiter found in the header line. */
    public char delimiter() {
        return delimiter;
    }

    /** Whether the input started with a UTF-8 byte-order mark. */
    public boolean bom() {
        return bom;
    }

    /** The charset it is decoded with. */
    public Charset charset() {
        return charset;
    }

    /** The header's column names as written. */
    public List<String> header() {
        return header;
    }

    /** The line the header starts on (1, or later after blank lines). */
    public long headerLine() {
        return headerLine;
    }

    /**
     * Reads the next row: its first {@code fields.length} values go into {@code fields}.
     *
     * @return the number of values in the row (may differ from {@code fields.length}), or -1 at the end
     */
    public int next(String[] fields) throws IOException {
        return readRow(null, fields);
    }

    /**
     * Field {@code k} of the row last read as {@link CsvValues#parseDecimal} reads it, straight from the bytes
     * while rows are plain; NaN where that gives NaN, and always once the full parser took over (the caller then
     * reads the field's text).
     */
    public double plainDecimal(int k) {
        return plain != null ? plain.plainDecimal(k) : Double.NaN;
    }

    /**
     * Columns whose values {@link #next} may leave null while rows are plain (numbers read with
     * {@link #plainDecimal}); {@link #text} gives such a value's text when it is needed. Saves a String per value.
     */
    public void lazyText(boolean[] columns) {
        if (plain != null) {
            plain.lazy(columns.clone());
        }
    }

    /** Field {@code k}'s text of the row last read: {@code fields[k]} as {@link #next} filled it, or made now. */
    public String text(String[] fields, int k) {
        return fields[k] != null ? fields[k] : plain != null ? plain.text(k) : null;
    }

    /** The line the row last read starts on (1-based). */
    public long line() {
        return line;
    }

    /** Bytes read so far (the parser reads ahead by its buffer). */
    public long bytesRead() {
        return counter.count();
    }

    /** The input's size in bytes when it was opened. */
    public long size() {
        return size;
    }

    /** The full parser over the rest of the input, from the row the fast path could not read. */
    private void startParser() throws IOException {
        InputStreamReader reader = new InputStreamReader(plain.rest(), charset.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
        lineBase = plain.rowLine() - 1;
        plain = null;
        parser = (CsvParser) FACTORY.createParser(reader);
        parser.setSchema(CsvSchema.emptySchema().withColumnSeparator(delimiter).withQuoteChar('"'));
    }

    private int readRow(List<String> into, String[] fields) throws IOException {
        if (plain != null) {
            int n = plain.next(into, fields, maxColumns, label);
            if (n != -2) {
                if (n >= 0) {
                    line = plain.rowLine();
                }
                return n;
            }
            startParser();
        }
        long start = -1;
        try {
            JsonToken t = parser.nextToken();
            if (t == null) {
                return -1;
            }
            if (t != JsonToken.START_ARRAY) {
                throw CsvInputException.at(label, lineBase + parser.currentLocation().getLineNr(), null,
                        "not valid CSV: unexpected " + t);
            }
            int n = 0;
            while ((t = parser.nextToken()) == JsonToken.VALUE_STRING) {
                if (n == 0) {
                    start = lineBase + parser.getTokenLocation().getLineNr();
                }
                if (into != null) {
                    if (into.size() >= maxColumns) {
                        throw CsvInputException.at(label, start, null, "the header has more than " + maxColumns
                                + " columns (--max-columns); is this the right file?");
                    }
                    into.add(parser.getText());
                } else if (n < fields.length) {
                    fields[n] = parser.getText();
                }
                n++;
            }
            if (t != JsonToken.END_ARRAY) {
                throw CsvInputException.at(label, start, null, "not valid CSV: unexpected " + t);
            }
            line = start > 0 ? start : lineBase + parser.currentLocation().getLineNr();
            return n;
        } catch (CharacterCodingException e) {
            throw invalidUtf8();
        } catch (JsonProcessingException e) {
            long at = start > 0 ? start : lineBase + parser.currentLocation().getLineNr();
            throw CsvInputException.at(label, at, null, "not valid CSV: " + e.getOriginalMessage());
        }
    }

    /**
     * The decoder works a buffer ahead of the parser, so its error does not tell the line: the input is decoded
     * again up to the first invalid byte, counting line ends.
     */
    private CsvInputException invalidUtf8() throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        long at = 1;
        long offset = 0;
        try (InputStream in = source.open()) {
            ByteBuffer bytes = ByteBuffer.allocate(1 << 16);
            CharBuffer chars = CharBuffer.allocate(1 << 16);
            boolean end = false;
            while (true) {
                if (!end && bytes.hasRemaining()) {
                    int n = in.read(bytes.array(), bytes.position(), bytes.remaining());
                    if (n < 0) {
                        end = true;
                    } else {
                        bytes.position(bytes.position() + n);
                    }
                }
                bytes.flip();
                int before = bytes.position();
                CoderResult r = decoder.decode(bytes, chars, end);
                offset += bytes.position() - before;
                chars.flip();
                while (chars.hasRemaining()) {
                    if (chars.get() == '\n') {
                        at++;
                    }
                }
                chars.clear();
                bytes.compact();
                if (r.isError()) {
                    return CsvInputException.notUtf8(label, at, "not valid UTF-8 (byte " + (offset + 1)
                            + " of the file)");
                }
                if (end && r.isUnderflow()) {
                    return CsvInputException.notUtf8(label, at, "not valid UTF-8");
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            if (parser != null) {
                parser.close();
            }
        } finally {
            counter.close();
        }
    }
}
