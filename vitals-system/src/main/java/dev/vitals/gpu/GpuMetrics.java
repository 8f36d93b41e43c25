package dev.vitals.gpu;

import dev.vitals.internal.Args;
import dev.vitals.internal.Periodic;
import dev.vitals.internal.ThrottledLogger;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.ToDoubleFunction;
import java.util.logging.Logger;

/**
 * NVIDIA GPU metrics from polling {@code nvidia-smi}, one series per GPU labelled {@code index},
 * {@code name} and {@code uuid}.
 *
 * <pre>{@code
 * GpuMetrics gpus = GpuMetrics.builder().timeout(Duration.ofSeconds(5)).register(registry);
 * gpus.start();   // polls now and then every 10 s on a daemon thread "vitals-gpu-poller"
 * }</pre>
 *
 * <p>A poll runs {@code nvidia-smi --query-gpu=index,name,uuid,utilization.gpu,memory.used,
 * memory.total,temperature.gpu,power.draw,power.limit,utilization.encoder,utilization.decoder
 * --format=csv,noheader,nounits} (about 50-300 ms on a real driver) and stores the parsed GPUs; the
 * metrics are callbacks over the last poll, so a scrape never starts a process.
 *
 * <table>
 *   <caption>Metrics (all gauges, labels {@code index,name,uuid}, except the last)</caption>
 *   <tr><td>{@code vitals_gpu_utilization_ratio}</td><td>share of time a kernel ran, 0..1 (from %)</td></tr>
 *   <tr><td>{@code vitals_gpu_memory_used_bytes}</td><td>device memory in use (from MiB)</td></tr>
 *   <tr><td>{@code vitals_gpu_memory_total_bytes}</td><td>device memory (from MiB)</td></tr>
 *   <tr><td>{@code vitals_gpu_temperature_celsius}</td><td>core temperature</td></tr>
 *   <tr><td>{@code vitals_gpu_power_watts}</td><td>power draw</td></tr>
 *   <tr><td>{@code vitals_gpu_power_limit_watts}</td><td>enforced power limit</td></tr>
 *   <tr><td>{@code vitals_gpu_encoder_utilization_ratio}</td><td>video encoder busy share, 0..1</td></tr>
 *   <tr><td>{@code vitals_gpu_decoder_utilization_ratio}</td><td>video decoder busy share, 0..1</td></tr>
 *   <tr><td>{@code vitals_gpu_poll_errors_total{reason}}</td><td>counter; reason {@code timeout} (killed
 *       after the timeout), {@code exit_status} (non-zero exit), {@code start} (could not run),
 *       {@code parse} (a line dropped or partly unreadable)</td></tr>
 * </table>
 *
 * <p>Robustness: a value the driver reports as {@code [N/A]} or {@code [Not Supported]} has no series
 * and is not an error; a failed poll (timeout, non-zero exit) removes every GPU series until a poll
 * succeeds, so stale values are never shown. A poll that outlives the timeout (default 5 s) is
 * destroyed with its child processes. Errors are logged at most once an hour. Without
 * {@code nvidia-smi} (not on {@code PATH}, or the configured path does not exist) there are no
 * {@code vitals_gpu_*} series at all, no errors, and one INFO line. Drivers that reject the encoder
 * and decoder fields are queried without them from then on.
 */
public final class GpuMetrics implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(GpuMetrics.class.getName());
    static final Duration LOG_EVERY = Duration.ofHours(1);
    /** Output past this is ignored: 1 MiB is thousands of GPUs. */
    static final int MAX_OUTPUT_BYTES = 1 << 20;
    static final List<String> REASONS = List.of("timeout", "exit_status", "start", "parse");

    private final String executable;
    private final Duration timeout;
    private final Map<String, String> environment;
    private final LongSupplier nanoClock;
    private final dev.vitals.labels.Family<CounterDataPoint> errorCounter;
    private volatile Map<String, dev.vitals.labels.Series<CounterDataPoint>> errors; // resolved once nvidia-smi is found
    private final dev.vitals.labels.MetricFamilies families;
    private final java.util.concurrent.atomic.DoubleAdder busyTotal = new java.util.concurrent.atomic.DoubleAdder();
    private volatile List<GpuSample> latest = List.of();
    private List<String> fields = NvidiaSmiCsv.FIELDS; // guarded by this
    private boolean absentLogged; // guarded by this
    private final ThrottledLogger errorLog;
    private Path outputFile; // guarded by this
    private final Periodic periodic;

    private GpuMetrics(Builder b, PrometheusRegistry registry) {
        this.executable = b.executable;
        this.timeout = b.timeout;
        this.periodic = new Periodic("GpuMetrics", "vitals-gpu-poller", b.scheduler, b.interval, this::pollNow);
        this.environment = Map.copyOf(b.environment);
        this.families = dev.vitals.labels.MetricFamilies.of(registry);
        this.nanoClock = b.nanoClock;
        this.errorLog = new ThrottledLogger(LOG, LOG_EVERY, nanoClock);
        gauge(registry, "vitals_gpu_utilization_ratio", Unit.RATIO,
                "Share of the last sample period during which a kernel ran on the GPU, 0..1.", GpuSample::utilizationRatio);
        gauge(registry, "vitals_gpu_memory_used_bytes", Unit.BYTES, "GPU memory in use.", GpuSample::memoryUsedBytes);
        gauge(registry, "vitals_gpu_memory_total_bytes", Unit.BYTES, "GPU memory.", GpuSample::memoryTotalBytes);
        gauge(registry, "vitals_gpu_temperature_celsius", Unit.CELSIUS, "GPU core temperature.",
                GpuSample::temperatureCelsius);
        gauge(registry, "vitals_gpu_power_watts", new Unit("watts"), "GPU power draw.", GpuSample::powerWatts);
        gauge(registry, "vitals_gpu_power_limit_watts", new Unit("watts"), "GPU enforced power limit.",
                GpuSample::powerLimitWatts);
        gauge(registry, "vitals_gpu_encoder_utilization_ratio", Unit.RATIO, "GPU video encoder busy share, 0..1.",
                GpuSample::encoderUtilizationRatio);
        gauge(registry, "vitals_gpu_decoder_utilization_ratio", Unit.RATIO, "GPU video decoder busy share, 0..1.",
                GpuSample::decoderUtilizationRatio);
        errorCounter = families.counter(Counter.builder().name("vitals_gpu_poll_errors_total")
                .help("GPU polls that failed (timeout, exit_status, start) and output lines that could not be read (parse).")
                .labelNames("reason"), REASONS.size());
        busySeconds = families.counter(Counter.builder().name("vitals_gpu_busy_seconds_total")
                .help("GPU-seconds used: utilization times the time between polls, summed (the GPU part of compute cost).")
                .labelNames("index", "name", "uuid"), MAX_GPUS).machineValues();
    }

    private final dev.vitals.labels.Family<CounterDataPoint> busySeconds;
    /** GPUs per host with their own series. */
    private static final int MAX_GPUS = 64;
    private long lastPollNanos;

    /** Utilization × time since the previous poll, per GPU: a poll reports the average over its sample period. */
    private void addBusy(List<GpuSample> gpus) {
        long now = nanoClock.getAsLong();
        if (lastPollNanos != 0) {
            double dt = (now - lastPollNanos) / 1e9;
            for (GpuSample g : gpus) {
                if (Double.isFinite(g.utilizationRatio()) && dt > 0) {
                    busySeconds.labels(Integer.toString(g.index()), g.name(), g.uuid()).inc(g.utilizationRatio() * dt);
                    busyTotal.add(g.utilizationRatio() * dt);
                }
            }
        }
        lastPollNanos = gpus.isEmpty() ? 0 : now;
    }

    /** GPU-seconds used since start, all GPUs together. */
    public double busySeconds() {
        return busyTotal.sum();
    }

    private void gauge(PrometheusRegistry registry, String name, Unit unit, String help, ToDoubleFunction<GpuSample> value) {
        families.gaugeWithCallback(GaugeWithCallback.builder().name(name).unit(unit).help(help).labelNames("index", "name", "uuid"), MAX_GPUS, cb -> {
            for (GpuSample g : latest) {
                double v = value.applyAsDouble(g);
                if (!Double.isNaN(v)) {
                    cb.call(v, Integer.toString(g.index()), g.name(), g.uuid());
                }
            }
        }).machineValues();
    }

    /** A new builder: {@code nvidia-smi} from {@code PATH}, 5 s timeout, 10 s interval, own daemon thread. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts polling: one poll now, then one every interval, on the configured scheduler or on a daemon
     * thread of its own. Calling it again does nothing.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public void start() {
        periodic.start();
    }

    /**
     * Polls once on the calling thread, publishes the result to the metrics and returns it (empty when
     * there is no GPU or the poll failed). Blocks up to the timeout. Never throws.
     */
    public synchronized List<GpuSample> pollNow() {
        try {
            List<GpuSample> gpus = poll();
            latest = gpus;
            addBusy(gpus);
            return gpus;
        } catch (RuntimeException | LinkageError e) {
            latest = List.of();
            failed("start", "polling failed", e);
            return List.of();
        }
    }

    /** The GPUs of the last poll; empty before the first. */
    public List<GpuSample> gpus() {
        return latest;
    }

    private List<GpuSample> poll() {
        Path exe = resolve();
        if (exe == null) {
            if (!absentLogged) {
                absentLogged = true;
                LOG.info("no " + executable + " found; NVIDIA GPU metrics are off");
            }
            return List.of();
        }
        if (errors == null) {
            Map<String, dev.vitals.labels.Series<CounterDataPoint>> m = new LinkedHashMap<>();
            for (String r : REASONS) {
                m.put(r, errorCounter.series(r));
            }
            errors = m;
        }
        String out;
        try {
            if (outputFile == null) {
                outputFile = Files.createTempFile("vitals-nvidia-smi-", ".out");
                outputFile.toFile().deleteOnExit();
            }
            List<String> command = List.of(exe.toString(), NvidiaSmiCsv.query(fields), "--format=csv,noheader,nounits");
            ProcessBuilder pb = new ProcessBuilder(command)
                    .redirectErrorStream(true)
                    // a file, not a pipe: a hung child cannot block the read, and there is no reader thread
                    .redirectOutput(ProcessBuilder.Redirect.to(outputFile.toFile()))
                    .redirectInput(ProcessBuilder.Redirect.from(nullFile()));
            pb.environment().putAll(environment);
            Process p = pb.start();
            if (!p.waitFor(timeout.toNanos(), TimeUnit.NANOSECONDS)) {
                // children first: killing only the parent could leave e.g. a wrapper script's child running
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly();
                failed("timeout", exe + " did not answer within " + timeout.toMillis() + " ms and was killed", null);
                return List.of();
            }
            out = read(outputFile);
            if (p.exitValue() != 0) {
                if (fields.size() > NvidiaSmiCsv.BASIC_FIELDS.size() && out.contains("is not a valid field")) {
                    fields = NvidiaSmiCsv.BASIC_FIELDS;
                    LOG.info(exe + " does not know the encoder and decoder fields; querying without them");
                    return poll();
                }
                failed("exit_status", exe + " exited with status " + p.exitValue() + ": " + firstLine(out), null);
                return List.of();
            }
        } catch (IOException e) {
            failed("start", "could not run " + exe, e);
            return List.of();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt(); // close() stops the poller's thread
            return List.of();
        }
        NvidiaSmiCsv.Result r = NvidiaSmiCsv.parse(out, fields.size());
        if (r.badLines() > 0) {
            failed("parse", r.badLines(), r.badLines() + " unreadable line(s) from " + exe + ", e.g. " + firstLine(out), null);
        }
        return r.gpus();
    }

    private static File nullFile() {
        return new File(File.separatorChar == '\\' ? "NUL" : "/dev/null");
    }

    private static String read(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            return new String(in.readNBytes(MAX_OUTPUT_BYTES), StandardCharsets.UTF_8);
        }
    }

    private static String firstLine(String out) {
        String s = out.strip();
        int nl = s.indexOf('\n');
        s = nl < 0 ? s : s.substring(0, nl);
        return s.length() > 200 ? s.substring(0, 200) : s;
    }

    /** The executable to run, or {@code null} when there is none. */
    private Path resolve() {
        if (executable.indexOf('/') >= 0 || executable.indexOf(File.separatorChar) >= 0) {
            Path p = Path.of(executable);
            return Files.isRegularFile(p) ? p : null;
        }
        String path = environment.containsKey("PATH") ? environment.get("PATH") : System.getenv("PATH");
        if (path == null) {
            return null;
        }
        List<String> names = new ArrayList<>(List.of(executable));
        if (File.separatorChar == '\\') {
            names.add(executable + ".exe");
        }
        for (String dir : path.split(File.pathSeparator)) {
            if (dir.isEmpty()) {
                continue;
            }
            for (String name : names) {
                Path p = Path.of(dir, name);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return p;
                }
            }
        }
        return null;
    }

    private void failed(String reason, String message, Throwable e) {
        failed(reason, 1, message, e);
    }

    private void failed(String reason, int count, String message, Throwable e) {
        Map<String, dev.vitals.labels.Series<CounterDataPoint>> m = errors;
        if (m != null) {
            dev.vitals.labels.Series<CounterDataPoint> c = m.get(reason);
            if (c != null) {
                c.get().inc(count);
            }
        }
        errorLog.warning(message + " (further GPU poll errors in the next hour are only counted in "
                + "vitals_gpu_poll_errors_total)", e);
    }

    /** Stops polling and, when it owns one, its thread; the metrics keep the last poll. Idempotent. */
    @Override
    public synchronized void close() {
        periodic.close();
        if (outputFile != null) {
            try {
                Files.deleteIfExists(outputFile);
            } catch (IOException e) {
                // deleteOnExit still stands
            }
            outputFile = null;
        }
    }

    /** Configures and registers {@link GpuMetrics}. */
    public static final class Builder {
        private String executable = "nvidia-smi";
        private Duration timeout = Duration.ofSeconds(5);
        private Duration interval = Duration.ofSeconds(10);
        private ScheduledExecutorService scheduler;
        private final Map<String, String> environment = new LinkedHashMap<>();
        private LongSupplier nanoClock = System::nanoTime;

        private Builder() {
        }

        /**
         * The {@code nvidia-smi} to run: a path (contains a separator) used as is, or a name looked up
         * on {@code PATH} (the one given to {@link #environment}, else this process's); default
         * {@code nvidia-smi}.
         */
        public Builder executable(String executable) {
            Objects.requireNonNull(executable, "executable must not be null");
            if (executable.isBlank()) {
                throw new IllegalArgumentException("executable must be a non-blank string");
            }
            this.executable = executable;
            return this;
        }

        /** How long a poll may run before it is killed and counted as {@code timeout}; default 5 s. */
        public Builder timeout(Duration timeout) {
            this.timeout = Args.positive(timeout, "timeout");
            return this;
        }

        /** Time between polls; default 10 s, at least 1 s. */
        public Builder interval(Duration interval) {
            this.interval = Args.atLeast(interval, Duration.ofSeconds(1), "interval");
            return this;
        }

        /** Polls on {@code scheduler} (the caller's, which it shuts down) instead of a thread of its own. */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
            return this;
        }

        /**
         * Variables added to the poll's environment; a {@code PATH} here is also where the executable
         * is looked up. E.g. {@code Map.of("PATH", "/usr/local/nvidia/bin:/usr/bin")}.
         */
        public Builder environment(Map<String, String> environment) {
            Objects.requireNonNull(environment, "environment must not be null");
            this.environment.putAll(environment);
            return this;
        }

        /** The monotonic clock, in nanoseconds, that throttles the error log; default {@link System#nanoTime()}. */
        public Builder clock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock must not be null");
            return this;
        }

        /** Registers the metrics on {@code registry}; polling starts with {@link GpuMetrics#start()}. */
        public GpuMetrics register(PrometheusRegistry registry) {
            Objects.requireNonNull(registry, "registry must not be null");
            return new GpuMetrics(this, registry);
        }
    }
}
