package dev.vitals.server.csv;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * The one progress bar of the offline tools ({@code eval}, {@code drift}): on stderr, for reading files, possibly
 * several at once: bytes read of the total, redrawn in place ({@code \r}) at most every 200 ms, and ended with a
 * newline when every file is read. Never written to stdout. Thread-safe.
 */
public final class Progress {
    /** Files from this size on get a bar on a terminal. */
    public static final long LARGE_FILE = 16L << 20;
    /** Reports nothing. */
    public static final Progress NONE = new Progress(null, Long.MAX_VALUE);

    private static final long INTERVAL_NANOS = 200_000_000L;
    private static final int WIDTH = 30;

    private final PrintWriter err;
    private final long minBytes;
    private final List<File> files = new ArrayList<>();
    private long lastDraw = System.nanoTime();
    private int lastLength;

    /**
     * @param err where to draw; null for nothing
     * @param minBytes files smaller than this get no bar
     */
    public Progress(PrintWriter err, long minBytes) {
        this.err = err;
        this.minBytes = minBytes;
    }

    /** On request ({@code --progress}) for any file; otherwise on a terminal, for files of {@link #LARGE_FILE}. */
    public static Progress on(PrintWriter err, boolean forced) {
        return forced ? new Progress(err, 0) : System.console() != null ? new Progress(err, LARGE_FILE) : NONE;
    }

    /** One file being read. */
    public final class File {
        private final String label;
        private final long total;
        private final boolean tracked;
        private volatile long read;
        private boolean done;

        private File(String label, long total, boolean tracked) {
            this.label = label;
            this.total = total;
            this.tracked = tracked;
        }

        /** Bytes read so far. */
        public void update(long bytes) {
            if (!tracked) {
                return;
            }
            read = bytes;
            long now = System.nanoTime();
            if (now - lastDraw >= INTERVAL_NANOS) { // racy read: at worst one extra or one skipped draw
                synchronized (Progress.this) {
                    if (now - lastDraw >= INTERVAL_NANOS) {
                        lastDraw = now;
                        draw();
                    }
                }
            }
        }

        /** The file is read (or failed). */
        public void done() {
            if (!tracked) {
                return;
            }
            synchronized (Progress.this) {
                if (done) {
                    return;
                }
                done = true;
                read = total;
                boolean all = files.stream().allMatch(f -> f.done);
                if (all) {
                    if (files.stream().anyMatch(f -> f.total > 0)) {
                        draw();
                        err.println();
                        err.flush();
                    }
                    files.clear();
                    lastLength = 0;
                }
            }
        }
    }

    /** A file to report on; small files (below the minimum) and a disabled bar report nothing. */
    public File start(String label, long total) {
        File f = new File(label, total, err != null && total >= minBytes);
        if (f.tracked) {
            synchronized (this) {
                files.add(f);
            }
        }
        return f;
    }

    private void draw() {
        long read = 0;
        long total = 0;
        List<String> labels = new ArrayList<>();
        for (File f : files) {
            read += f.read;
            total += f.total;
            if (!f.done) {
                labels.add(f.label);
            }
        }
        if (labels.isEmpty()) {
            labels.add(files.get(files.size() - 1).label);
        }
        double share = total == 0 ? 1 : Math.min(1, (double) read / total);
        int full = (int) Math.round(share * WIDTH);
        String line = String.format(Locale.ROOT, "%s [%s] %3d%% %s / %s", String.join(", ", labels),
                "#".repeat(full) + ".".repeat(WIDTH - full), Math.round(share * 100), size(read), size(total));
        int pad = Math.max(0, lastLength - line.length());
        err.print("\r" + line + " ".repeat(pad));
        err.flush();
        lastLength = line.length();
    }

    public static String size(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        if (bytes < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
        }
        if (bytes < 1024L * 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
        }
        return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
    }
}
