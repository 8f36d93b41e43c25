package dev.vitals.server.csv;

import dev.vitals.server.csv.CsvColumns.Column;
import dev.vitals.server.csv.CsvColumns.Kind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One column's values while a file is read, typed in that one pass: {@link Numbers} (compact chunks) while every
 * value is a number or null, chunks of interned strings once a value is not (a column kept as text from the
 * start, or one whose earlier numbers were all nulls); a column that turns to text after real numbers is marked
 * {@link #lost} and read again.
 */
final class ColumnBuffer {
    private static final int CHUNK = 8192;
    /** First buffer of a column: grown by doubling to {@link #CHUNK}, so a wide, short file allocates little. */
    private static final int FIRST = 16;
    /** Interning stops past this many distinct values of a column (high cardinality gains nothing from it). */
    private static final int INTERN_LIMIT = 1 << 16;

    boolean text;
    /** Numbers were dropped on the switch to text: the file must be read again for this column. */
    boolean lost;
    long firstTextLine = -1;
    String firstText;
    /** The values while numeric. */
    private Numbers numbers;
    /** Full text chunks of {@link #CHUNK} values. */
    private List<String[]> chunks;
    /** The text chunk being filled. */
    private String[] last;
    private int pos;
    private long nulls;
    private long nonNull;
    private Map<String, String> intern;

    ColumnBuffer(boolean text) {
        this.text = text;
        if (text) {
            startText();
        } else {
            numbers = new Numbers();
        }
    }

    private void startText() {
        numbers = null;
        chunks = new ArrayList<>();
        last = new String[FIRST];
        pos = 0;
        intern = new HashMap<>();
    }

    /** Adds a value; true when it is this column's first value that is not a number. */
    boolean add(String v) {
        // the common case first: a plain decimal, a finite number and never a null
        if (numbers != null ? numbers.addPlain(v) : !Double.isNaN(CsvValues.parsePlainDecimal(v))) {
            nonNull++;
            if (text) {
                putText(internOf(v));
            }
            return false;
        }
        if (CsvValues.isNull(v)) {
            nulls++;
            if (text) {
                putText(null);
            } else if (!lost) {
                numbers.addNull();
            }
            return false;
        }
        nonNull++;
        if (text) {
            boolean first = firstTextLine < 0 && !CsvValues.isNumber(v);
            putText(internOf(v));
            return first;
        }
        if (lost) {
            return false;
        }
        if (CsvValues.isNumber(v)) {
            double x = CsvValues.parseNumber(v);
            if (!Double.isFinite(x)) {
                nulls++; // ±infinity: a null for the drift tests, as the library counts it
            }
            numbers.add(x);
            return false;
        }
        // the first text: switch to text; the earlier numbers are lost unless they were all nulls
        long before = nonNull - 1;
        int count = numbers.size();
        text = true;
        startText();
        if (before == 0) {
            for (int i = 0; i < count; i++) {
                putText(null);
            }
            putText(internOf(v));
        } else {
            lost = true;
            chunks = null;
            last = null;
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

    private void putText(String v) {
        if (lost) {
            return;
        }
        if (pos == last.length) {
            if (last.length < CHUNK) {
                last = Arrays.copyOf(last, Math.min(CHUNK, last.length * 2));
            } else {
                chunks.add(last);
                last = new String[CHUNK];
                pos = 0;
            }
        }
        last[pos++] = v;
    }

    /** The column: its numbers as read (compact chunks), or its text chunks joined into one array of {@code rows}. */
    Column column(String name, int rows) {
        Kind kind = firstTextLine >= 0 ? Kind.TEXT : nonNull > 0 ? Kind.NUMERIC : Kind.EMPTY;
        if (!text) {
            Numbers n = numbers;
            numbers = null;
            n.trim();
            return new Column(name, kind, rows, nulls, kind == Kind.EMPTY ? null : n, null, firstTextLine, firstText);
        }
        String[] all = new String[rows];
        int at = 0;
        for (String[] c : chunks) {
            System.arraycopy(c, 0, all, at, CHUNK);
            at += CHUNK;
        }
        System.arraycopy(last, 0, all, at, pos);
        chunks = null;
        last = null;
        return new Column(name, kind, rows, nulls, null, all, firstTextLine, firstText);
    }
}
