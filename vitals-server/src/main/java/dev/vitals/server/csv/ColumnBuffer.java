package dev.vitals.server.csv;

import dev.vitals.server.csv.CsvColumns.Column;
import dev.vitals.server.csv.CsvColumns.Kind;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One column's values while a file is read, typed in that one pass: primitive {@code double} chunks while every
 * value is a number or null, interned strings once a value is not (a column kept as text from the start, or one
 * whose earlier numbers were all nulls); a column that turns to text after real numbers is marked {@link #lost}
 * and read again.
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
    /** Full chunks of {@link #CHUNK} values, double[] or String[]. */
    private List<Object> chunks = new ArrayList<>();
    /** The chunk being filled: double[] or String[]. */
    private Object last;
    private int pos;
    private long nulls;
    private long nonNull;
    private Map<String, String> intern;

    ColumnBuffer(boolean text) {
        this.text = text;
        if (text) {
            startText();
        } else {
            last = new double[FIRST];
        }
    }

    private void startText() {
        chunks = new ArrayList<>();
        last = new String[FIRST];
        pos = 0;
        intern = new HashMap<>();
    }

    /** Adds a value; true when it is this column's first value that is not a number. */
    boolean add(String v) {
        double plain = CsvValues.parsePlainDecimal(v);
        if (plain == plain) { // a plain decimal: a finite number, never a null
            nonNull++;
            if (text) {
                putText(internOf(v));
            } else if (!lost) {
                putNumber(plain);
            }
            return false;
        }
        if (CsvValues.isNull(v)) {
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
            putNumber(x);
            return false;
        }
        // the first text: switch to text; the earlier numbers are lost unless they were all nulls
        long before = nonNull - 1;
        int count = chunks.size() * CHUNK + pos;
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

    private void putNumber(double x) {
        roomForOne(((double[]) last).length);
        ((double[]) last)[pos++] = x;
    }

    private void putText(String v) {
        if (lost) {
            return;
        }
        roomForOne(((String[]) last).length);
        ((String[]) last)[pos++] = v;
    }

    /** The last chunk grows by doubling (sized by what is read) up to {@link #CHUNK}; a full chunk is kept. */
    private void roomForOne(int length) {
        if (pos < length) {
            return;
        }
        if (length < CHUNK) {
            Object grown = text ? new String[Math.min(CHUNK, length * 2)] : new double[Math.min(CHUNK, length * 2)];
            System.arraycopy(last, 0, grown, 0, pos);
            last = grown;
        } else {
            chunks.add(last);
            last = text ? new String[CHUNK] : new double[CHUNK];
            pos = 0;
        }
    }

    /** The column, its chunks joined into one array of {@code rows} values (the chunks are released). */
    Column column(String name, int rows) {
        Kind kind = firstTextLine >= 0 ? Kind.TEXT : nonNull > 0 ? Kind.NUMERIC : Kind.EMPTY;
        Object all = text ? new String[rows] : new double[rows];
        int at = 0;
        for (Object c : chunks) {
            System.arraycopy(c, 0, all, at, CHUNK);
            at += CHUNK;
        }
        System.arraycopy(last, 0, all, at, pos);
        chunks = null;
        last = null;
        if (text) {
            return new Column(name, kind, rows, nulls, null, (String[]) all, firstTextLine, firstText);
        }
        return new Column(name, kind, rows, nulls, kind == Kind.EMPTY ? null : (double[]) all, null, firstTextLine,
                firstText);
    }
}
