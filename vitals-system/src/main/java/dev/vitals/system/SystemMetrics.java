package dev.vitals.system;

import dev.vitals.internal.Args;
import dev.vitals.internal.Periodic;
import dev.vitals.internal.ThrottledLogger;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.instrumentation.jvm.JvmMetrics;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.Unit;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;
import java.util.logging.Logger;

/**
 * Host and process metrics read through OSHI, plus client_java's JVM metrics, behind one
 * {@link Builder#register} call.
 *
 * <pre>{@code
 * SystemMetrics system = SystemMetrics.builder().interval(Duration.ofSeconds(10)).register(registry);
 * system.start();   // samples now and then every 10 s on a daemon thread "vitals-system-sampler"
 * ...
 * system.close();
 * }</pre>
 *
 * <p>A sample (about 1 ms on a 2-core Linux host, see {@code SystemMetricsTest}) runs on the sampling
 * thread and stores an immutable {@link SystemSnapshot}; the metrics below are callbacks that read
 * the latest snapshot, so a scrape never calls the operating system. Until a value is measured its
 * series is absent; ratios appear from the second sample on.
 *
 * <table>
 *   <caption>Metrics</caption>
 *   <tr><th>name</th><th>type</th><th>labels</th><th>meaning</th></tr>
 *   <tr><td>{@code vitals_system_cpu_utilization_ratio}</td><td>gauge</td><td></td>
 *       <td>share of all logical CPUs busy between the last two samples, 0..1</td></tr>
 *   <tr><td>{@code vitals_system_cpus}</td><td>gauge</td><td></td><td>logical CPUs</td></tr>
 *   <tr><td>{@code vitals_system_load1}, {@code _load5}, {@code _load15}</td><td>gauge</td><td></td>
 *       <td>load averages (absent where the OS has none)</td></tr>
 *   <tr><td>{@code vitals_system_memory_total_bytes}</td><td>gauge</td><td></td><td>physical memory</td></tr>
 *   <tr><td>{@code vitals_system_memory_used_bytes}</td><td>gauge</td><td></td><td>total minus available</td></tr>
 *   <tr><td>{@code vitals_system_disk_read_bytes_total}</td><td>counter</td><td>{@code device}</td>
 *       <td>bytes read since boot</td></tr>
 *   <tr><td>{@code vitals_system_disk_written_bytes_total}</td><td>counter</td><td>{@code device}</td>
 *       <td>bytes written since boot</td></tr>
 *   <tr><td>{@code vitals_system_network_received_bytes_total}</td><td>counter</td><td>{@code interface}</td>
 *       <td>bytes received (loopback excluded)</td></tr>
 *   <tr><td>{@code vitals_system_network_transmitted_bytes_total}</td><td>counter</td><td>{@code interface}</td>
 *       <td>bytes sent (loopback excluded)</td></tr>
 *   <tr><td>{@code vitals_process_cpu_utilization_ratio}</td><td>gauge</td><td></td>
 *       <td>this process's CPU time between the last two samples over the host's capacity, 0..1</td></tr>
 *   <tr><td>{@code vitals_process_cpu_seconds_total}</td><td>counter</td><td></td><td>user + kernel CPU seconds</td></tr>
 *   <tr><td>{@code vitals_process_resident_memory_bytes}</td><td>gauge</td><td></td><td>resident set size</td></tr>
 *   <tr><td>{@code vitals_system_sample_duration_seconds}</td><td>gauge</td><td></td><td>wall time of the last sample</td></tr>
 *   <tr><td>{@code vitals_system_sample_errors_total}</td><td>counter</td>
 *       <td>{@code part}: init, cpu, load, memory, process, disk, network</td><td>parts that failed to read</td></tr>
 * </table>
 *
 * <p>At most 64 disks and 64 interfaces are reported. With {@link Builder#jvmMetrics} on (the
 * default) client_java's {@code jvm_*} and {@code process_*} metrics are registered too; they are
 * read at scrape time from JMX, which is cheap. Failures are counted and logged at most once an hour;
 * nothing here throws into the caller after {@link Builder#register}.
 */
public final class SystemMetrics implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(SystemMetrics.class.getName());
    static final Duration LOG_EVERY = Duration.ofHours(1);
    static final List<String> PARTS = List.of("init", "cpu", "load", "memory", "process", "disk", "network");

    private final LongSupplier nanoClock;
    private final Supplier<Probe> probeFactory;
    private final Map<String, dev.vitals.labels.Series<CounterDataPoint>> errors = new LinkedHashMap<>();
    private final ThrottledLogger errorLog;
    private volatile SystemSnapshot latest = SystemSnapshot.EMPTY;
    private Probe probe; // guarded by this
    private final Periodic periodic;

    private SystemMetrics(Builder b, PrometheusRegistry registry) {
        this.periodic = new Periodic("SystemMetrics", "vitals-system-sampler", b.scheduler, b.interval, this::sampleNow);
        this.nanoClock = b.nanoClock;
        this.errorLog = new ThrottledLogger(LOG, LOG_EVERY, nanoClock);
        this.probeFactory = b.probeFactory;

        gauge(registry, "vitals_system_cpu_utilization_ratio", Unit.RATIO,
                "Share of all logical CPUs' time spent non-idle between the last two samples, 0..1.",
                SystemSnapshot::hostCpuRatio);
        gauge(registry, "vitals_system_cpus", null, "Logical CPUs of the host.", SystemSnapshot::logicalCpus);
        gauge(registry, "vitals_system_load1", null, "1-minute load average.", SystemSnapshot::load1);
        gauge(registry, "vitals_system_load5", null, "5-minute load average.", SystemSnapshot::load5);
        gauge(registry, "vitals_system_load15", null, "15-minute load average.", SystemSnapshot::load15);
        gauge(registry, "vitals_system_memory_total_bytes", Unit.BYTES, "Physical memory of the host.",
                SystemSnapshot::memoryTotalBytes);
        gauge(registry, "vitals_system_memory_used_bytes", Unit.BYTES,
                "Physical memory in use: total minus what is available to new work.", SystemSnapshot::memoryUsedBytes);
        gauge(registry, "vitals_process_cpu_utilization_ratio", Unit.RATIO,
                "This process's CPU time between the last two samples over the host's CPU capacity, 0..1.",
                SystemSnapshot::processCpuRatio);
        gauge(registry, "vitals_process_resident_memory_bytes", Unit.BYTES, "Resident set size of this process.",
                SystemSnapshot::processResidentBytes);
        gauge(registry, "vitals_system_sample_duration_seconds", Unit.SECONDS,
                "Wall time the last host and process sample took.", SystemSnapshot::sampleSeconds);
        CounterWithCallback.builder().name("vitals_process_cpu_seconds_total").unit(Unit.SECONDS)
                .help("User plus kernel CPU time of this process.")
                .callback(cb -> {
                    double v = latest.processCpuSeconds();
                    if (v >= 0) {
                        cb.call(v);
                    }
                }).register(registry);
        devices(registry, "vitals_system_disk_read_bytes_total", "device", "Bytes read from each disk since boot.",
                SystemSnapshot::disks, SystemSnapshot.Io::in);
        devices(registry, "vitals_system_disk_written_bytes_total", "device", "Bytes written to each disk since boot.",
                SystemSnapshot::disks, SystemSnapshot.Io::out);
        devices(registry, "vitals_system_network_received_bytes_total", "interface",
                "Bytes received on each network interface, loopback excluded.", SystemSnapshot::networks,
                SystemSnapshot.Io::in);
        devices(registry, "vitals_system_network_transmitted_bytes_total", "interface",
                "Bytes sent on each network interface, loopback excluded.", SystemSnapshot::networks,
                SystemSnapshot.Io::out);
        dev.vitals.labels.Family<CounterDataPoint> errorCounter = dev.vitals.labels.MetricFamilies.of(registry).counter(
                Counter.builder().name("vitals_system_sample_errors_total")
                .help("Parts of a host and process sample that could not be read; the other parts were kept.")
                .labelNames("part"), PARTS.size());
        for (String part : PARTS) {
            errors.put(part, errorCounter.series(part));
        }
        if (b.jvmMetrics) {
            JvmMetrics.builder().register(registry); // a no-op when already registered on this registry
        }
    }

    private void gauge(PrometheusRegistry registry, String name, Unit unit, String help,
            ToDoubleFunction<SystemSnapshot> value) {
        GaugeWithCallback.Builder g = GaugeWithCallback.builder().name(name).help(help).callback(cb -> {
            double v = value.applyAsDouble(latest);
            if (!Double.isNaN(v)) {
                cb.call(v);
            }
        });
        if (unit != null) {
            g.unit(unit);
        }
        g.register(registry);
    }

    private void devices(PrometheusRegistry registry, String name, String label, String help,
            Function<SystemSnapshot, Map<String, SystemSnapshot.Io>> devices, ToDoubleFunction<SystemSnapshot.Io> value) {
        dev.vitals.labels.MetricFamilies.of(registry).counterWithCallback(
                CounterWithCallback.builder().name(name).unit(Unit.BYTES).help(help).labelNames(label), 64, cb -> {
                    for (Map.Entry<String, SystemSnapshot.Io> e : devices.apply(latest).entrySet()) {
                        cb.call(value.applyAsDouble(e.getValue()), e.getKey());
                    }
                }).machineValues();
    }

    /** A new builder: 10 s interval, own daemon thread, JVM metrics on. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Starts sampling: one sample now, then one every interval, on the configured scheduler or on a
     * daemon thread of its own. Calling it again does nothing.
     *
     * @throws IllegalStateException after {@link #close()}
     */
    public void start() {
        periodic.start();
    }

    /**
     * Takes one sample on the calling thread, publishes it to the metrics and returns it. Blocks for
     * the sample's duration (OSHI reads /proc and sysfs: about a millisecond, the first call tens of
     * milliseconds while OSHI loads). Never throws: failures are counted in
     * {@code vitals_system_sample_errors_total}.
     */
    public synchronized SystemSnapshot sampleNow() {
        try {
            long t0 = nanoClock.getAsLong();
            if (probe == null) {
                try {
                    probe = probeFactory.get();
                } catch (RuntimeException | LinkageError e) {
                    failed("init", e);
                    return latest;
                }
            }
            SystemSnapshot s = probe.sample(t0, this::failed);
            double seconds = (nanoClock.getAsLong() - t0) / 1e9;
            s = new SystemSnapshot(s.hostCpuRatio(), s.processCpuRatio(), s.load1(), s.load5(), s.load15(),
                    s.logicalCpus(), s.memoryTotalBytes(), s.memoryUsedBytes(), s.processResidentBytes(),
                    s.processCpuSeconds(), s.disks(), s.networks(), seconds);
            latest = s;
            return s;
        } catch (RuntimeException | LinkageError e) {
            failed("init", e);
            return latest;
        }
    }

    /** The latest sample; {@link SystemSnapshot#EMPTY} before the first. */
    public SystemSnapshot snapshot() {
        return latest;
    }

    private void failed(String part, Throwable e) {
        dev.vitals.labels.Series<CounterDataPoint> c = errors.get(part);
        if (c != null) {
            c.get().inc();
        }
        errorLog.warning("reading system metrics (" + part
                + ") failed; further failures in the next hour are only counted in vitals_system_sample_errors_total", e);
    }

    /** Stops sampling and, when it owns one, its thread. The metrics keep the last sample. Idempotent. */
    @Override
    public void close() {
        periodic.close();
    }

    /** Configures and registers {@link SystemMetrics}. */
    public static final class Builder {
        private Duration interval = Duration.ofSeconds(10);
        private ScheduledExecutorService scheduler;
        private boolean jvmMetrics = true;
        private LongSupplier nanoClock = System::nanoTime;
        private Supplier<Probe> probeFactory = OshiProbe::new;

        private Builder() {
        }

        /** Time between samples; default 10 s, at least 100 ms. */
        public Builder interval(Duration interval) {
            this.interval = Args.atLeast(interval, Duration.ofMillis(100), "interval");
            return this;
        }

        /**
         * Runs sampling on {@code scheduler} (which the caller owns and shuts down) instead of a daemon
         * thread of its own. A sample blocks its thread for about a millisecond.
         */
        public Builder scheduler(ScheduledExecutorService scheduler) {
            this.scheduler = Objects.requireNonNull(scheduler, "scheduler must not be null");
            return this;
        }

        /** Also registers client_java's JVM metrics ({@code jvm_*}, {@code process_*}); on by default. */
        public Builder jvmMetrics(boolean on) {
            this.jvmMetrics = on;
            return this;
        }

        /** The monotonic clock, in nanoseconds, that times samples; default {@link System#nanoTime()}. */
        public Builder clock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock must not be null");
            return this;
        }

        /** Tests: the source of samples instead of OSHI. */
        Builder probe(Supplier<Probe> probeFactory) {
            this.probeFactory = Objects.requireNonNull(probeFactory, "probeFactory must not be null");
            return this;
        }

        /** Registers the metrics on {@code registry}; sampling starts with {@link SystemMetrics#start()}. */
        public SystemMetrics register(PrometheusRegistry registry) {
            Objects.requireNonNull(registry, "registry must not be null");
            return new SystemMetrics(this, registry);
        }
    }
}
