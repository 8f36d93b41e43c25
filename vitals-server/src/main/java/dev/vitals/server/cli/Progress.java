package dev.vitals.server.cli;

import java.io.PrintWriter;
import java.util.Locale;

/**
 * A one-line progress bar on stderr, by bytes read against the file's size. Shown when forced or
 * when the console is a terminal ({@code System.console() != null}) and the file is large; it is
 * erased when done, and never written to stdout.
 */
final class Progress {
    /** Files from this size on get a bar on a terminal. */
    static final long LARGE_FILE = 16L << 20;
    private static final int WIDTH = 30;
    private static final long INTERVAL_NANOS = 100_000_000L;

    private final PrintWriter err;
    private final long size;
    private long lastDraw;
    private int lastLength;

    private Progress(PrintWriter err, long size) {
        this.err = err;
        this.size = size;
        this.lastDraw = System.nanoTime();
    }

    static Progress forFile(PrintWriter err, long size, boolean forced) {
        boolean on = forced || (System.console() != null && size >= LARGE_FILE);
        return new Progress(on ? err : null, size);
    }

    /** Redraws at most every 100 ms, and always at the end of the file. */
    void update(long bytesRead) {
        if (err == null) {
            return;
        }
        long now = System.nanoTime();
        if (now - lastDraw < INTERVAL_NANOS && bytesRead < size) {
            return;
        }
        lastDraw = now;
        double share = size <= 0 ? 1 : Math.min(1, (double) bytesRead / size);
        int filled = (int) Math.round(share * WIDTH);
        String line = String.format(Locale.ROOT, "vitals eval: [%s%s] %3d%%  %s / %s", "#".repeat(filled),
                "-".repeat(WIDTH - filled), (int) Math.floor(share * 100), megabytes(Math.min(bytesRead, size)),
                megabytes(size));
        err.print("\r" + line + " ".repeat(Math.max(0, lastLength - line.length())));
        err.flush();
        lastLength = line.length();
    }

    /** Erases the bar. */
    void finish() {
        if (err != null && lastLength > 0) {
            err.print("\r" + " ".repeat(lastLength) + "\r");
            err.flush();
            lastLength = 0;
        }
    }

    private static String megabytes(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
