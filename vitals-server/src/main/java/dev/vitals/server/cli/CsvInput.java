package dev.vitals.server.cli;

import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.dataformat.csv.CsvFactory;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import java.io.BufferedInputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CoderResult;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

/**
 * A CSV file read row by row with Jackson's streaming CSV parser, for {@code vitals eval}.
 *
 * <ul>
 *   <li>Encoding: UTF-8, with or without a byte order mark; invalid UTF-8 is an error.</li>
 *   <li>Delimiter: whichever of {@code ,} {@code ;} and TAB occurs most often in the header line
 *       outside double quotes; ties go to {@code ,} then {@code ;}; a header without any is read
 *       with {@code ,} (one column).</li>
 *   <li>Quoting: RFC 4180 double quotes ({@code ""} inside a quoted value is one quote); a quoted
 *       value may span lines.</li>
 *   <li>The first row is the header. Blank lines are skipped. Line numbers are 1-based physical
 *       lines (the header is line 1); a row that spans lines is numbered by its first line.</li>
 * </ul>
 *
 * <p>Memory is bounded by the parser's buffers and the widest row; nothing is kept per row.
 */
final class CsvInput implements Closeable {
    /** The longest header line searched for the delimiter. */
    private static final int HEADER_SNIFF_BYTES = 1 << 20;
    /** Streaming only (no databind): one parser per file. */
    private static final CsvFactory FACTORY = new CsvFactory();

    private final Path file;
    private final CountingStream counter;
    private final CsvParser parser;
    private final long size;
    private final char delimiter;
    private final boolean bom;
    private final List<String> header;
    private final long headerLine;
    private long line;
    private boolean eof;

    /** Default cap on the header's columns ({@code --max-columns}). */
    static final int DEFAULT_MAX_COLUMNS = 10_000;
    private int maxColumns = Integer.MAX_VALUE;

    private CsvInput(Path file, CountingStream counter, CsvParser parser, long size, char delimiter, boolean bom,
            int maxColumns) throws IOException {
        this.maxColumns = maxColumns;
        this.file = file;
        this.counter = counter;
        this.parser = parser;
        this.size = size;
        this.delimiter = delimiter;
        this.bom = bom;
        JsonToken wrapper;
        try {
            wrapper = parser.nextToken(); // the array that wraps all rows
        } catch (CharacterCodingException e) {
            throw invalidUtf8();
        }
        if (wrapper != JsonToken.START_ARRAY) {
            throw new CsvFormatException(1, "no header row: the file is empty");
        }
        List<String> h = new ArrayList<>();
        int n = readRow(h, null);
        if (n < 0) {
            throw new CsvFormatException(1, "no header row: the file is empty");
        }
        this.headerLine = line;
        this.header = Collections.unmodifiableList(h);
    }

    /**
     * Opens {@code file}: skips a UTF-8 byte order mark, picks the delimiter from the header line
     * and reads the header.
     *
     * @throws java.nio.file.NoSuchFileException when it does not exist
     * @throws CsvFormatException when there is no header or the header is not valid CSV
     */
    static CsvInput open(Path file) throws IOException {
        return open(file, DEFAULT_MAX_COLUMNS);
    }

    /** {@link #open(Path)} with a cap on the header's columns: a wider header fails while it is read. */
    static CsvInput open(Path file, int maxColumns) throws IOException {
        long size = Files.size(file);
        CountingStream counter = new CountingStream(Files.newInputStream(file));
        try {
            BufferedInputStream in = new BufferedInputStream(counter, 1 << 16);
            in.mark(3);
            byte[] start = in.readNBytes(3);
            boolean bom = start.length == 3 && (start[0] & 0xFF) == 0xEF && (start[1] & 0xFF) == 0xBB
                    && (start[2] & 0xFF) == 0xBF;
            if (!bom) {
                in.reset();
            }
            in.mark(HEADER_SNIFF_BYTES + 1);
            char delimiter = sniffDelimiter(in);
            in.reset();
            InputStreamReader reader = new InputStreamReader(in, StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT));
            CsvParser parser = FACTORY.createParser(reader);
            parser.setSchema(CsvSchema.emptySchema().withColumnSeparator(delimiter).withQuoteChar('"'));
            parser.enable(CsvParser.Feature.WRAP_AS_ARRAY);
            return new CsvInput(file, counter, parser, size, delimiter, bom, maxColumns);
        } catch (IOException | RuntimeException e) {
            counter.close();
            throw e;
        }
    }

    /** Counts , ; and TAB outside double quotes up to the first line end outside quotes. */
    static char sniffDelimiter(InputStream in) throws IOException {
        int commas = 0;
        int semicolons = 0;
        int tabs = 0;
        boolean quoted = false;
        boolean started = false;
        for (int i = 0; i < HEADER_SNIFF_BYTES; i++) {
            int b = in.read();
            if (!started && (b == '\n' || b == '\r')) {
                continue; // blank lines before the header
            }
            started = true;
            if (b < 0 || (!quoted && (b == '\n' || b == '\r'))) {
                break;
            }
            if (b == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                if (b == ',') {
                    commas++;
                } else if (b == ';') {
                    semicolons++;
                } else if (b == '\t') {
                    tabs++;
                }
            }
        }
        if (commas >= semicolons && commas >= tabs) {
            return ',';
        }
        return semicolons >= tabs ? ';' : '\t';
    }

    /** The delimiter found in the header line. */
    char delimiter() {
        return delimiter;
    }

    /** Whether the file started with a UTF-8 byte order mark. */
    boolean hadByteOrderMark() {
        return bom;
    }

    /** The header's column names as written. */
    List<String> header() {
        return header;
    }

    /** The line the header starts on (1, or later after blank lines). */
    long headerLine() {
        return headerLine;
    }

    /**
     * Reads the next non-blank row: its first {@code fields.length} values go into {@code fields}.
     *
     * @return the number of values in the row (may differ from {@code fields.length}), or -1 at the end
     */
    int next(String[] fields) throws IOException {
        return readRow(null, fields);
    }

    /** The line the row last read starts on (1-based). */
    long line() {
        return line;
    }

    /** Bytes of the file read so far (the parser reads ahead by its buffer). */
    long bytesRead() {
        return counter.count;
    }

    /** The file's size in bytes when it was opened. */
    long size() {
        return size;
    }

    private int readRow(List<String> into, String[] fields) throws IOException {
        while (!eof) {
            JsonToken t;
            try {
                t = parser.nextToken();
            } catch (CharacterCodingException e) {
                throw invalidUtf8();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new CsvFormatException(parser.currentLocation().getLineNr(),
                        "not valid CSV: " + e.getOriginalMessage());
            }
            if (t == null || t == JsonToken.END_ARRAY) {
                eof = true;
                return -1;
            }
            // t is START_ARRAY: one row
            line = parser.currentLocation().getLineNr();
            int n = 0;
            String first = null;
            try {
                while ((t = parser.nextToken()) == JsonToken.VALUE_STRING) {
                    String v = parser.getText();
                    if (n == 0) {
                        first = v;
                    }
                    if (into != null) {
                        if (into.size() >= maxColumns) {
                            throw new CsvFormatException(line, "the header has more than " + maxColumns
                                    + " columns (--max-columns); is this the right file?");
                        }
                        into.add(v);
                    } else if (n < fields.length) {
                        fields[n] = v;
                    }
                    n++;
                }
            } catch (CharacterCodingException e) {
                throw invalidUtf8();
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                throw new CsvFormatException(line, "not valid CSV: " + e.getOriginalMessage());
            }
            if (t != JsonToken.END_ARRAY) {
                throw new CsvFormatException(line, "not valid CSV: unexpected " + t);
            }
            if (n == 1 && first.isEmpty()) {
                if (into != null) {
                    into.clear();
                }
                continue; // a blank line
            }
            return n;
        }
        return -1;
    }

    /**
     * The decoder works a buffer ahead of the parser, so its error does not tell the line: the file
     * is decoded again up to the first invalid byte, counting line ends.
     */
    private CsvFormatException invalidUtf8() throws IOException {
        CharsetDecoder decoder = StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT);
        long line = 1;
        long offset = 0;
        try (InputStream in = Files.newInputStream(file)) {
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
                        line++;
                    }
                }
                chars.clear();
                bytes.compact();
                if (r.isError()) {
                    return new CsvFormatException(line, "not valid UTF-8 (byte " + (offset + 1) + " of the file)");
                }
                if (end && r.isUnderflow()) {
                    return new CsvFormatException(line, "not valid UTF-8");
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        try {
            parser.close();
        } finally {
            counter.close();
        }
    }

    /** A row that is not valid CSV (or not UTF-8), with its line. */
    static final class CsvFormatException extends IOException {
        final long line;

        CsvFormatException(long line, String message) {
            super(message);
            this.line = line;
        }
    }
}
