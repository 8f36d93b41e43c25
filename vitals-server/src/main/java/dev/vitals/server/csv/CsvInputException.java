package dev.vitals.server.csv;

import java.io.IOException;

/**
 * A CSV input that cannot be read, naming the file, the line (1-based, the header is line 1; 0 when the problem is
 * the whole file) and the column where they apply. {@link #getMessage()} is the located message
 * ({@code ref.csv line 12, column "x": ...}); {@link #detail()} is the problem alone, for callers that place it.
 */
public final class CsvInputException extends IOException {
    private static final long serialVersionUID = 1L;

    private final String file;
    private final long line;
    private final String column;
    private final String detail;
    private final boolean encoding;

    CsvInputException(String file, long line, String column, String detail, boolean encoding) {
        super(locate(file, line, column, detail));
        this.file = file;
        this.line = line;
        this.column = column;
        this.detail = detail;
        this.encoding = encoding;
    }

    /** A problem of the whole file (missing, unreadable, UTF-16). */
    public static CsvInputException ofFile(String file, String detail) {
        return new CsvInputException(file, 0, null, detail, false);
    }

    /** A problem at a line, and a column when it is known (null otherwise). */
    public static CsvInputException at(String file, long line, String column, String detail) {
        return new CsvInputException(file, line, column, detail, false);
    }

    static CsvInputException notUtf8(String file, long line, String detail) {
        return new CsvInputException(file, line, null, detail, true);
    }

    private static String locate(String file, long line, String column, String detail) {
        if (line <= 0) {
            return file + (detail.startsWith("is ") ? " " : ": ") + detail;
        }
        return file + " line " + line + (column == null ? "" : ", column \"" + CsvValues.shorten(column) + "\"")
                + ": " + detail;
    }

    /** How messages name the file (the path as the user gave it). */
    public String file() {
        return file;
    }

    /** The 1-based line, 0 when the problem is the whole file. */
    public long line() {
        return line;
    }

    /** The column's name, or null. */
    public String column() {
        return column;
    }

    /** The problem without its place. */
    public String detail() {
        return detail;
    }

    /** Whether the bytes are not valid UTF-8 (a reader that allows it then reads the file as Latin-1). */
    public boolean invalidEncoding() {
        return encoding;
    }
}
