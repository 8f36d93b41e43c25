package dev.vitals.server.telemetry;

import dev.vitals.internal.BatchQueue;
import dev.vitals.server.config.VitalsConfig;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.logging.FileHandler;
import java.util.logging.Formatter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.StreamHandler;

/**
 * The request log: one JSON line per gateway call, written through java.util.logging (the backend the server
 * already logs to: SLF4J goes there through slf4j-jdk14, so a second backend such as Logback would bring a
 * second binding and its own configuration) with its size-rotating {@link FileHandler}, or to stdout. The request
 * path only offers the line's fields to a bounded {@link BatchQueue}; one daemon thread formats and writes them every
 * 10 ms, up to 16 KB in one write (a system call per line was most of the writer's cost, and waking the writer per
 * line cost a context switch per call), giving the core away after every {@value #LINES_PER_BATCH} lines. When the queue is full the line
 * is dropped and counted in {@code vitals_request_log_dropped_total}: the log never slows or fails a call.
 */
public final class RequestLog implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(RequestLog.class.getName());
    private static final dev.vitals.internal.ThrottledLogger FAILED_LINE = new dev.vitals.internal.ThrottledLogger(LOG,
            Duration.ofMinutes(1));
    /** At most this many characters go to the handler in one record (so a file outgrows its limit by at most this). */
    private static final int BATCH_CHARS = 16_384;
    /**
     * Lines formatted between two yields of the core (about 0.2 ms of work): at 25,000 calls/s a tick's lines in one
     * run held a one-core gateway's event loop up for a millisecond every 10 ms.
     */
    static final int LINES_PER_BATCH = 64;

    /** A line as the fields it is made of; the writer thread appends it (JSON, no line separator). */
    interface Line {
        void appendTo(StringBuilder out, JsonText.Times times);
    }

    private final BatchQueue<Line> queue;
    private final Handler handler;
    private final Counter dropped;
    private final String where;
    private final StringBuilder out = new StringBuilder(BATCH_CHARS + 1024);
    private final JsonText.Times times = new JsonText.Times();
    private final LogRecord record = new LogRecord(Level.INFO, null);

    private RequestLog(VitalsConfig.RequestLog cfg, String where, Handler handler, PrometheusRegistry registry) {
        this.where = where;
        this.handler = handler;
        handler.setFormatter(new Formatter() {
            @Override
            public String format(LogRecord r) {
                return r.getMessage(); // the writer's lines, each ending with the line separator
            }
        });
        // published to the handler directly: no logger, so its lines never reach the server's own log handlers
        handler.setLevel(Level.INFO);
        this.dropped = Counter.builder().name("vitals_request_log_dropped_total")
                .help("Request log lines dropped because the writer fell behind (requestLog.queueSize) or a line could not be written.").register(registry);
        this.queue = new BatchQueue<>("vitals-request-log", cfg.queueSize, BatchQueue.TICK, LINES_PER_BATCH, this::writeAll);
    }

    /**
     * Opens the log; {@code null} when {@code requestLog.enabled} is false.
     *
     * @param storePath the state store's file, next to which the log goes when {@code requestLog.path} is unset
     */
    public static RequestLog open(VitalsConfig.RequestLog cfg, String storePath, PrometheusRegistry registry) {
        if (!cfg.enabled) {
            return null;
        }
        if ("stdout".equals(cfg.path)) {
            PrintStream out = System.out;
            return new RequestLog(cfg, "stdout", new StreamHandler(new OutputStream() {
                @Override
                public void write(int b) {
                    out.write(b);
                }

                @Override
                public void write(byte[] b, int off, int len) {
                    out.write(b, off, len);
                }

                @Override
                public void flush() {
                    out.flush();
                }
            }, new java.util.logging.SimpleFormatter()) {
                @Override
                public synchronized void publish(LogRecord record) {
                    super.publish(record);
                    flush();
                }
            }, registry);
        }
        Path file = cfg.path != null ? Path.of(cfg.path)
                : Path.of(storePath == null ? "vitals-data/vitals.db" : storePath).toAbsolutePath().resolveSibling("requests.log");
        try {
            if (file.toAbsolutePath().getParent() != null) {
                Files.createDirectories(file.toAbsolutePath().getParent());
            }
            // %g: the generation; the current file is <path>.0 when more than one is kept
            String pattern = file.toAbsolutePath().toString().replace("%", "%%") + (cfg.maxFiles > 1 ? ".%g" : "");
            FileHandler h = new FileHandler(pattern, (int) Math.min(Integer.MAX_VALUE, cfg.maxFileBytes), cfg.maxFiles, true);
            return new RequestLog(cfg, file.toAbsolutePath() + (cfg.maxFiles > 1 ? ".0" : ""), h, registry);
        } catch (IOException e) {
            throw new dev.vitals.server.config.ConfigException("requestLog.path: cannot open " + file + " for writing: " + e.getMessage());
        }
    }

    /** The file written now, or {@code stdout}. */
    public String where() {
        return where;
    }

    /** Queues a line; never blocks. */
    void write(Line line) {
        if (!queue.offer(line)) {
            dropped.inc();
        }
    }

    /** On the writer's thread: a batch of queued lines (at most {@link #LINES_PER_BATCH}), at most {@link #BATCH_CHARS} a write. */
    private void writeAll(List<Line> lines) {
        String separator = System.lineSeparator();
        out.setLength(0);
        for (Line line : lines) {
            int mark = out.length();
            try {
                line.appendTo(out, times);
                out.append(separator);
            } catch (RuntimeException e) { // one line that cannot be written is dropped, never the log
                out.setLength(mark);
                dropped.inc();
                FAILED_LINE.warning("request log line dropped: it could not be written", e);
            }
            if (out.length() >= BATCH_CHARS) {
                publish();
            }
        }
        publish();
    }

    private void publish() {
        if (!out.isEmpty()) {
            record.setMessage(out.toString());
            handler.publish(record);
            out.setLength(0);
        }
    }

    /** Writes what is queued, then closes the file. */
    @Override
    public void close() {
        try {
            queue.close();
        } finally {
            handler.close();
        }
    }
}
