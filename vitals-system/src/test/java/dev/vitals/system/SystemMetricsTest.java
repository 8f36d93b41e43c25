package dev.vitals.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class SystemMetricsTest {

    private static MetricSnapshot find(PrometheusRegistry r, String name) {
        for (MetricSnapshot s : r.scrape()) {
            String n = s.getMetadata().getPrometheusName();
            if (n.equals(name) || (n + "_total").equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static double value(PrometheusRegistry r, String name, String... labels) {
        MetricSnapshot s = find(r, name);
        assertThat(s).as("metric %s", name).isNotNull();
        for (DataPointSnapshot dp : s.getDataPoints()) {
            if (dp.getLabels().equals(Labels.of(labels))) {
                return dp instanceof GaugeDataPointSnapshot g ? g.getValue() : ((CounterDataPointSnapshot) dp).getValue();
            }
        }
        throw new AssertionError("no series " + Arrays.toString(labels) + " in " + name);
    }

    private static int series(PrometheusRegistry r, String name) {
        MetricSnapshot s = find(r, name);
        return s == null ? 0 : s.getDataPoints().size();
    }

    /** Spends some CPU so the process ratio has something to see; no sleeping. */
    private static long burn() {
        long x = 0;
        for (int i = 0; i < 20_000_000; i++) {
            x += i * 31L ^ (x >>> 3);
        }
        return x;
    }

    @Test
    void realReadingsOnThisHostAreWithinSanityRanges() {
        PrometheusRegistry registry = new PrometheusRegistry();
        SystemMetrics system = SystemMetrics.builder().jvmMetrics(false).register(registry);
        SystemSnapshot first = system.sampleNow();
        // OSHI caches the CPU tick counters for 300 ms, so a second sample taken sooner sees no time
        // pass and reports no ratio: keep the CPU busy until one does (bounded, no sleeping)
        SystemSnapshot second;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        do {
            assertThat(burn()).isNotZero();
            second = system.sampleNow();
        } while (Double.isNaN(second.hostCpuRatio()) && System.nanoTime() < deadline);

        assertThat(first.hostCpuRatio()).as("no ratio from a single sample").isNaN();
        assertThat(second.hostCpuRatio()).isBetween(0.0, 1.0);
        assertThat(second.processCpuRatio()).isBetween(0.0, 1.0);
        assertThat(second.logicalCpus()).isGreaterThanOrEqualTo(1);
        assertThat(second.memoryTotalBytes()).isPositive();
        assertThat(second.memoryUsedBytes()).isPositive().isLessThanOrEqualTo(second.memoryTotalBytes());
        assertThat(second.processResidentBytes()).isPositive().isLessThan(second.memoryTotalBytes());
        assertThat(second.processCpuSeconds()).isPositive().isGreaterThanOrEqualTo(first.processCpuSeconds());
        assertThat(second.load1()).isGreaterThanOrEqualTo(0);
        assertThat(second.sampleSeconds()).isPositive();
        for (Map.Entry<String, SystemSnapshot.Io> e : second.disks().entrySet()) {
            SystemSnapshot.Io before = first.disks().get(e.getKey());
            if (before != null) {
                assertThat(e.getValue().in()).as("disk %s read", e.getKey()).isGreaterThanOrEqualTo(before.in());
                assertThat(e.getValue().out()).as("disk %s written", e.getKey()).isGreaterThanOrEqualTo(before.out());
            }
        }
        for (Map.Entry<String, SystemSnapshot.Io> e : second.networks().entrySet()) {
            SystemSnapshot.Io before = first.networks().get(e.getKey());
            if (before != null) {
                assertThat(e.getValue().in()).as("net %s rx", e.getKey()).isGreaterThanOrEqualTo(before.in());
                assertThat(e.getValue().out()).as("net %s tx", e.getKey()).isGreaterThanOrEqualTo(before.out());
            }
        }

        assertThat(value(registry, "vitals_system_cpu_utilization_ratio")).isBetween(0.0, 1.0);
        assertThat(value(registry, "vitals_process_cpu_utilization_ratio")).isBetween(0.0, 1.0);
        assertThat(value(registry, "vitals_system_memory_total_bytes")).isEqualTo(second.memoryTotalBytes());
        assertThat(value(registry, "vitals_process_resident_memory_bytes")).isPositive();
        assertThat(value(registry, "vitals_process_cpu_seconds_total")).isEqualTo(second.processCpuSeconds());
        assertThat(value(registry, "vitals_system_sample_duration_seconds")).isEqualTo(second.sampleSeconds());
        assertThat(series(registry, "vitals_system_disk_read_bytes_total")).isEqualTo(second.disks().size());
        assertThat(series(registry, "vitals_system_network_received_bytes_total")).isEqualTo(second.networks().size());
        assertThat(value(registry, "vitals_system_sample_errors_total", "part", "cpu")).isZero();
        assertThat(find(registry, "jvm_memory_used_bytes")).as("JVM metrics off").isNull();
    }

    @Test
    void samplingCostIsSmall() {
        SystemMetrics system = SystemMetrics.builder().jvmMetrics(false).register(new PrometheusRegistry());
        long t0 = System.nanoTime();
        system.sampleNow(); // loads OSHI and JNA, lists devices
        double firstMs = (System.nanoTime() - t0) / 1e6;
        int n = 60; // two device re-listings (every 30th sample) included
        double[] ms = new double[n];
        for (int i = 0; i < n; i++) {
            ms[i] = system.sampleNow().sampleSeconds() * 1e3;
        }
        Arrays.sort(ms);
        double mean = Arrays.stream(ms).average().orElseThrow();
        System.out.printf("system sample cost: first %.1f ms; then over %d samples mean %.3f ms, median %.3f ms, max %.3f ms%n",
                firstMs, n, mean, ms[n / 2], ms[n - 1]);
        assertThat(mean).as("mean ms per sample").isLessThan(50);
    }

    @Test
    void jvmMetricsComeWithTheSameEntryPoint() {
        PrometheusRegistry registry = new PrometheusRegistry();
        SystemMetrics.builder().register(registry);
        assertThat(find(registry, "jvm_memory_used_bytes")).isNotNull();
        assertThat(find(registry, "jvm_threads_current")).isNotNull();
        assertThat(series(registry, "vitals_system_memory_used_bytes")).as("absent before the first sample").isZero();
    }

    @Test
    void unmeasuredValuesHaveNoSeriesAndFailedPartsAreCounted() {
        PrometheusRegistry registry = new PrometheusRegistry();
        AtomicLong clock = new AtomicLong();
        SystemMetrics system = SystemMetrics.builder().jvmMetrics(false).clock(clock::get)
                .probe(() -> (now, onError) -> {
                    clock.addAndGet(2_000_000); // the sample takes 2 ms
                    onError.accept("disk", new IllegalStateException("no sysfs"));
                    return new SystemSnapshot(0.25, Double.NaN, Double.NaN, Double.NaN, Double.NaN, 2, 1000, 400,
                            Double.NaN, 1.5, Map.of(), Map.of("eth0", new SystemSnapshot.Io(10, 20)), Double.NaN);
                })
                .register(registry);
        SystemSnapshot s = system.sampleNow();

        assertThat(s.sampleSeconds()).isEqualTo(0.002);
        assertThat(value(registry, "vitals_system_cpu_utilization_ratio")).isEqualTo(0.25);
        assertThat(value(registry, "vitals_system_memory_used_bytes")).isEqualTo(400);
        assertThat(value(registry, "vitals_process_cpu_seconds_total")).isEqualTo(1.5);
        assertThat(value(registry, "vitals_system_network_received_bytes_total", "interface", "eth0")).isEqualTo(10);
        assertThat(value(registry, "vitals_system_network_transmitted_bytes_total", "interface", "eth0")).isEqualTo(20);
        assertThat(series(registry, "vitals_process_cpu_utilization_ratio")).isZero();
        assertThat(series(registry, "vitals_system_load1")).isZero();
        assertThat(series(registry, "vitals_process_resident_memory_bytes")).isZero();
        assertThat(series(registry, "vitals_system_disk_read_bytes_total")).isZero();
        assertThat(value(registry, "vitals_system_sample_errors_total", "part", "disk")).isEqualTo(1);
        assertThat(value(registry, "vitals_system_sample_errors_total", "part", "cpu")).isZero();
    }

    @Test
    void aProbeThatCannotStartIsCountedAndNeverThrows() {
        PrometheusRegistry registry = new PrometheusRegistry();
        SystemMetrics system = SystemMetrics.builder().jvmMetrics(false)
                .probe(() -> {
                    throw new UnsatisfiedLinkError("no libjnidispatch");
                })
                .register(registry);
        assertThat(system.sampleNow()).isSameAs(SystemSnapshot.EMPTY);
        assertThat(system.sampleNow()).isSameAs(SystemSnapshot.EMPTY);
        assertThat(value(registry, "vitals_system_sample_errors_total", "part", "init")).isEqualTo(2);
        assertThat(series(registry, "vitals_system_memory_total_bytes")).isZero();
    }

    @Test
    void samplesOnTheCallersSchedulerAndStopsOnClose() throws Exception {
        ScheduledExecutorService scheduler = new ScheduledThreadPoolExecutor(1);
        try {
            CountDownLatch sampled = new CountDownLatch(1);
            SystemSnapshot fixed = new SystemSnapshot(0.5, 0.1, 1, 1, 1, 2, 1000, 500, 100, 3, Map.of(), Map.of(), 0);
            SystemMetrics system = SystemMetrics.builder().jvmMetrics(false).scheduler(scheduler)
                    .interval(Duration.ofHours(1))
                    .probe(() -> (now, onError) -> {
                        sampled.countDown();
                        return fixed;
                    })
                    .register(new PrometheusRegistry());
            system.start();
            system.start(); // idempotent
            assertThat(sampled.await(10, TimeUnit.SECONDS)).isTrue();
            system.close();
            assertThat(scheduler.isShutdown()).as("the caller's scheduler is the caller's").isFalse();
            assertThatThrownBy(system::start).isInstanceOf(IllegalStateException.class)
                    .hasMessage("SystemMetrics is closed");
        } finally {
            scheduler.shutdownNow();
        }
    }

    @Test
    void samplesOnItsOwnDaemonThread() throws Exception {
        AtomicReference<Thread> thread = new AtomicReference<>();
        CountDownLatch sampled = new CountDownLatch(1);
        SystemMetrics system = SystemMetrics.builder().jvmMetrics(false)
                .probe(() -> (now, onError) -> {
                    thread.set(Thread.currentThread());
                    sampled.countDown();
                    return SystemSnapshot.EMPTY;
                })
                .register(new PrometheusRegistry());
        system.start();
        assertThat(sampled.await(10, TimeUnit.SECONDS)).isTrue();
        system.close();
        assertThat(thread.get().getName()).isEqualTo("vitals-system-sampler");
        assertThat(thread.get().isDaemon()).isTrue();
    }

    @Test
    void busyRatioCountsIowaitAsIdle() {
        long[] before = new long[8];
        long[] after = {10, 0, 10, 60, 20, 0, 0, 0}; // user, nice, system, idle, iowait, irq, softirq, steal
        assertThat(OshiProbe.busyRatio(before, after)).isEqualTo(0.2);
        assertThat(OshiProbe.busyRatio(after, after)).as("no time passed").isNaN();
    }

    @Test
    void builderRejectsBadValuesWithExactMessages() {
        assertThatThrownBy(() -> SystemMetrics.builder().interval(Duration.ofMillis(10)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval must be >= 100ms, got PT0.01S");
        assertThatThrownBy(() -> SystemMetrics.builder().interval(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("interval must not be null");
    }
}
