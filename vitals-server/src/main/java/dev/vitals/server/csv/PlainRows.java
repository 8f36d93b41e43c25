package dev.vitals.server.csv;

import com.fasterxml.jackson.core.io.NumberInput;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;

/**
 * {@link CsvReader}'s fast path: rows of plain text read straight from the bytes, without decoding to chars or
 * the CSV parser's tokens. A plain row has only printable ASCII and tabs, no double quote, a line end of LF or
 * CRLF, and is not made of spaces alone; it reads the same under every rule of {@link CsvReader} (in UTF-8 and
 * Latin-1 alike, ASCII is ASCII). The first row that is not plain ends the fast path: {@link #rest()} gives the
 * input from that row's first byte, for the full parser.
 */
final class PlainRows {
    /** A row longer than this is left to the full parser. */
    private static final int MAX_ROW = 1 << 20;

    /** Values up to this many bytes go through {@link #recent}. */
    private static final int SHORT = 8;

    private final InputStream in;
    private final String[] recent = new String[256];
    /** The bytes of each of {@link #recent}, to compare without String.charAt. */
    private final byte[][] recentBytes = new byte[256][];
    /** The current row's delimiters, as offsets from its first byte. */
    private int[] cuts = new int[64];
    /** The last row read: its bytes [rowStart, rowEnd) in the buffer (until the next call) and delimiters. */
    private int rowStart;
    private int rowEnd;
    private int rowCuts;
    /** The fields array the last row was read into (null for the header). */
    private String[] lastFields;
    /** Columns read without their text (null: none). */
    private boolean[] lazy;
    private final byte delimiter;
    private byte[] buf = new byte[1 << 16];
    private int pos;
    private int lim;
    private boolean eof;
    /** The 1-based line of the next byte at {@link #pos}. */
    private long line = 1;
    private long rowLine;

    PlainRows(InputStream in, char delimiter) {
        this.in = in;
        this.delimiter = (byte) delimiter;
    }

    /** The line the last row read starts on; or, after {@link #next} returned -2, the line the full parser starts. */
    long rowLine() {
        return rowLine;
    }

    /**
     * Reads the next row into {@code into} (all its fields) or {@code fields} (the first {@code fields.length}).
     *
     * @return the row's field count; -1 at the end of the input; -2 when the row is not plain (nothing consumed)
     */
    int next(List<String> into, String[] fields, int maxColumns, String label) throws IOException {
        while (true) {
            // blank lines (LF or CRLF alone) are skipped, as the full parser skips them
            if (pos == lim && !fill()) {
                return -1;
            }
            if (buf[pos] == '\n') {
                pos++;
                line++;
            } else if (buf[pos] == '\r') {
                if (pos + 1 == lim && !more() || buf[pos + 1] != '\n') {
                    return -2; // a lone CR
                }
                pos += 2;
                line++;
            } else {
                break;
            }
        }
        if (buf[pos] == ' ' || buf[pos] == '\t') {
            return -2; // the full parser drops spaces at a line's start (and skips lines of spaces alone)
        }
        // the row's end and its delimiters (as offsets from the row's start), checking that it is plain; the row
        // is not blank: its first byte is neither a space nor a tab nor a line end
        int i = pos;
        int cut = 0;
        while (true) {
            if (i == lim) {
                int offset = i - pos;
                boolean got = more();
                i = pos + offset;
                if (!got) {
                    break; // the last row, with no line end
                }
                if (lim - pos > MAX_ROW) {
                    return -2;
                }
                continue;
            }
            byte b = buf[i];
            if (b > '"' && b != delimiter && b != 0x7f) { // most bytes: digits, letters, '.', '-'
                i++;
                continue;
            }
            if (b == delimiter) {
                if (cut == cuts.length) {
                    cuts = Arrays.copyOf(cuts, cuts.length * 2);
                }
                cuts[cut++] = i - pos;
            } else if (b == '\n' || b == '\r') {
                break;
            } else if (b == '"' || b < 0x20 && b != '\t' || b == 0x7f) { // b < 0 (not ASCII) is below 0x20
                return -2;
            }
            i++;
        }
        int end = i;
        int after = i;
        if (i < lim && buf[i] == '\n') {
            after = i + 1;
        } else if (i < lim) { // CR
            if (i + 1 == lim) {
                int offset = i - pos;
                more();
                i = pos + offset;
                end = i;
            }
            if (i + 1 >= lim || buf[i + 1] != '\n') {
                return -2; // a lone CR
            }
            after = i + 2;
        }
        rowLine = line;
        lastFields = fields;
        rowStart = pos;
        rowEnd = end;
        rowCuts = cut;
        int n = 0;
        int from = pos;
        for (int k = 0; k < cut; k++) {
            n = field(into, fields, n, from, pos + cuts[k], maxColumns, label);
            from = pos + cuts[k] + 1;
        }
        n = field(into, fields, n, from, end, maxColumns, label);
        pos = after;
        line++;
        return n;
    }

    private int field(List<String> into, String[] fields, int n, int from, int to, int maxColumns, String label)
            throws CsvInputException {
        if (into != null) {
            if (into.size() >= maxColumns) {
                throw CsvInputException.at(label, rowLine, null, "the header has more than " + maxColumns
                        + " columns (--max-columns); is this the right file?");
            }
            into.add(new String(buf, from, to - from, StandardCharsets.ISO_8859_1));
        } else if (n < fields.length) {
            fields[n] = lazy != null && n < lazy.length && lazy[n] ? null : to - from <= SHORT
                    ? shortString(from, to - from) : new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
        }
        return n + 1;
    }

    /** Columns whose text {@link #next} leaves out (null in the fields) for {@link #text} to make on demand. */
    void lazy(boolean[] columns) {
        lazy = columns;
    }

    /** Field {@code k} of the last row read as text; null past the row's fields. */
    String text(int k) {
        if (k > rowCuts) {
            return null;
        }
        int from = k == 0 ? rowStart : rowStart + cuts[k - 1] + 1;
        int to = k < rowCuts ? rowStart + cuts[k] : rowEnd;
        return new String(buf, from, to - from, StandardCharsets.ISO_8859_1);
    }

    /**
     * A short value from a small cache of the last ones seen: labels such as {@code 0}, {@code yes} or
     * {@code cat} repeat on every row, and one String for each (its hash kept) spares an allocation and a
     * hashing per value where they are counted.
     */
    private String shortString(int from, int len) {
        int h = len;
        for (int k = from; k < from + len; k++) {
            h = 31 * h + buf[k];
        }
        int slot = (h ^ h >>> 7) & (recent.length - 1);
        byte[] b = recentBytes[slot];
        if (b != null && b.length == len) {
            int k = 0;
            while (k < len && b[k] == buf[from + k]) {
                k++;
            }
            if (k == len) {
                return recent[slot];
            }
        }
        String s = new String(buf, from, len, StandardCharsets.ISO_8859_1);
        recent[slot] = s;
        recentBytes[slot] = Arrays.copyOfRange(buf, from, from + len);
        return s;
    }

    /**
     * Field {@code k} of the last row read as {@link CsvValues#parseDecimal} reads its text, from the bytes (no
     * scan of a String): the same double, or NaN where that gives NaN.
     */
    double plainDecimal(int k) {
        if (k > rowCuts) {
            return Double.NaN;
        }
        int i = k == 0 ? rowStart : rowStart + cuts[k - 1] + 1;
        int to = k < rowCuts ? rowStart + cuts[k] : rowEnd;
        boolean negative = false;
        if (i < to && (buf[i] == '-' || buf[i] == '+')) {
            negative = buf[i] == '-';
            i++;
        }
        long m = 0;
        int digits = 0;
        int decimals = -1;
        for (; i < to; i++) {
            int c = buf[i] - '0';
            if (c >= 0 && c <= 9) {
                m = m * 10 + c;
                digits++;
                if (decimals >= 0) {
                    decimals++;
                }
            } else if (buf[i] == '.' && decimals < 0) {
                decimals = 0;
            } else {
                return Double.NaN;
            }
        }
        double v = CsvValues.plainValue(m, digits, decimals, negative);
        if (v == v || digits == 0 || lastFields == null || k >= lastFields.length) {
            return v;
        }
        // a plain decimal with more digits than the fast path takes: the general parser, as parseDecimal does
        return CsvValues.finiteOrNaN(NumberInput.parseDouble(lastFields[k] != null ? lastFields[k] : text(k), true));
    }

    /** Reads more input when the buffer is used up; false at the end. */
    private boolean fill() throws IOException {
        pos = 0;
        lim = 0;
        return more();
    }

    /**
     * Moves the unread bytes from {@link #pos} to the buffer's start (growing it when full) and reads more
     * after them; false when nothing more came.
     */
    private boolean more() throws IOException {
        if (eof) {
            return false;
        }
        int keep = lim - pos;
        if (pos > 0) {
            System.arraycopy(buf, pos, buf, 0, keep);
        } else if (keep == buf.length) {
            buf = Arrays.copyOf(buf, buf.length * 2);
        }
        pos = 0;
        lim = keep;
        int r = in.read(buf, lim, buf.length - lim);
        if (r <= 0) {
            eof = r < 0;
            return r > 0;
        }
        lim += r;
        return true;
    }

    /** The input from the current position on: what the fast path has buffered, then the rest of the stream. */
    InputStream rest() {
        rowLine = line;
        return new SequenceInputStream(new ByteArrayInputStream(buf, pos, lim - pos), in);
    }
}
