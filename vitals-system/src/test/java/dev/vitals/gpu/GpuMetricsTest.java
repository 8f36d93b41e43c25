package dev.vitals.gpu;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.CounterSnapshot.CounterDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.DataPointSnapshot;
import io.prometheus.metrics.model.snapshots.GaugeSnapshot.GaugeDataPointSnapshot;
import io.prometheus.metrics.model.snapshots.Labels;
import io.prometheus.metrics.model.snapshots.MetricSnapshot;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class GpuMetricsTest {
    private static final String QUERY = "--query-gpu=index,name,uuid,utilization.gpu,memory.used,memory.total,"
            + "temperature.gpu,power.draw,power.limit,utilization.encoder,utilization.decoder";
    private static final String TWO_GPUS = """
            0, NVIDIA H100 80GB HBM3, GPU-11111111-2222-3333-4444-555555555555, 87, 40960, 81559, 64, 512.30, 700.00, 0, 5
            1, NVIDIA H100 80GB HBM3, GPU-66666666-7777-8888-9999-000000000000, 0, 1, 81559, 31, 71.05, 700.00, 0, 0
            """;
    private static final double MIB = 1024 * 1024;
    private static final Logger GPU_LOG = Logger.getLogger(GpuMetrics.class.getName());

    @TempDir
    Path dir;
    private PrometheusRegistry registry;
    private final List<LogRecord> logs = new CopyOnWriteArrayList<>();
    private final Handler handler = new Handler() {
        @Override
        public void publish(LogRecord r) {
            logs.add(r);
        }

        @Override
        public void flush() {
        }

        @Override
        public void close() {
        }
    };

    @BeforeEach
    void setUp() {
        registry = new PrometheusRegistry();
        GPU_LOG.addHandler(handler);
    }

    @AfterEach
    void tearDown() {
        GPU_LOG.removeHandler(handler);
    }

    /**
     * Writes an executable fake {@code nvidia-smi} that checks it was called with the expected query
     * (exit 9 otherwise) and then runs {@code body}.
     */
    private Path fake(String body) throws IOException {
        Path p = dir.resolve("nvidia-smi");
        String script = "#!/bin/sh\n"
                + "[ \"$1\" = \"" + QUERY + "\" ] && [ \"$2\" = \"--format=csv,noheader,nounits\" ] || exit 9\n"
                + body + "\n";
        Files.writeString(p, script);
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        return p;
    }

    private static String printing(String output) {
        return "cat <<'EOF'\n" + output + "EOF";
    }

    private GpuMetrics metrics(Path exe) {
        return GpuMetrics.builder().executable(exe.toString()).register(registry);
    }

    private MetricSnapshot find(String name) {
        for (MetricSnapshot s : registry.scrape()) {
            String n = s.getMetadata().getPrometheusName();
            if (n.equals(name) || (n + "_total").equals(name)) {
                return s;
            }
        }
        throw new AssertionError("no metric " + name);
    }

    private Double value(String name, String... labels) {
        for (DataPointSnapshot dp : find(name).getDataPoints()) {
            if (dp.getLabels().equals(Labels.of(labels))) {
                return dp instanceof GaugeDataPointSnapshot g ? g.getValue() : ((CounterDataPointSnapshot) dp).getValue();
            }
        }
        return null;
    }

    private double errors(String reason) {
        Double v = value("vitals_gpu_poll_errors_total", "reason", reason);
        return v == null ? 0 : v;
    }

    /** Every data point whose metric starts with {@code vitals_gpu_}, as "name{labels}". */
    private List<String> gpuSeries() {
        List<String> out = new ArrayList<>();
        for (MetricSnapshot s : registry.scrape()) {
            if (s.getMetadata().getPrometheusName().startsWith("vitals_gpu_")) {
                for (DataPointSnapshot dp : s.getDataPoints()) {
                    out.add(s.getMetadata().getPrometheusName() + dp.getLabels());
                }
            }
        }
        return out;
    }

    private static String[] gpu0() {
        return new String[] {"index", "0", "name", "NVIDIA H100 80GB HBM3", "uuid", "GPU-11111111-2222-3333-4444-555555555555"};
    }

    private static String[] gpu1() {
        return new String[] {"index", "1", "name", "NVIDIA H100 80GB HBM3", "uuid", "GPU-66666666-7777-8888-9999-000000000000"};
    }

    @Test
    void twoGpusInBaseUnits() throws IOException {
        GpuMetrics gpus = metrics(fake(printing(TWO_GPUS)));
        List<GpuSample> polled = gpus.pollNow();

        assertThat(polled).hasSize(2);
        assertThat(gpus.gpus()).isEqualTo(polled);
        assertThat(value("vitals_gpu_utilization_ratio", gpu0())).isEqualTo(0.87);
        assertThat(value("vitals_gpu_memory_used_bytes", gpu0())).isEqualTo(40960 * MIB);
        assertThat(value("vitals_gpu_memory_total_bytes", gpu0())).isEqualTo(81559 * MIB);
        assertThat(value("vitals_gpu_temperature_celsius", gpu0())).isEqualTo(64);
        assertThat(value("vitals_gpu_power_watts", gpu0())).isEqualTo(512.3);
        assertThat(value("vitals_gpu_power_limit_watts", gpu0())).isEqualTo(700);
        assertThat(value("vitals_gpu_encoder_utilization_ratio", gpu0())).isEqualTo(0);
        assertThat(value("vitals_gpu_decoder_utilization_ratio", gpu0())).isEqualTo(0.05);
        assertThat(value("vitals_gpu_utilization_ratio", gpu1())).isEqualTo(0);
        assertThat(value("vitals_gpu_power_watts", gpu1())).isEqualTo(71.05);
        assertThat(gpuSeries()).hasSize(8 * 2 + 4); // 8 gauges per GPU and the four error reasons at 0
        for (String reason : GpuMetrics.REASONS) {
            assertThat(errors(reason)).isZero();
        }
        gpus.close();
    }

    @Test
    void notAvailableValuesHaveNoSeriesAndAreNotErrors() throws IOException {
        GpuMetrics gpus = metrics(fake(printing(
                "0, Tesla T4, GPU-abc, 3, 400, 15360, 40, [N/A], [Not Supported], [N/A], [Not Supported]\n")));
        GpuSample g = gpus.pollNow().get(0);

        assertThat(g.powerWatts()).isNaN();
        assertThat(g.encoderUtilizationRatio()).isNaN();
        String[] t4 = {"index", "0", "name", "Tesla T4", "uuid", "GPU-abc"};
        assertThat(value("vitals_gpu_utilization_ratio", t4)).isEqualTo(0.03);
        assertThat(value("vitals_gpu_power_watts", t4)).isNull();
        assertThat(value("vitals_gpu_power_limit_watts", t4)).isNull();
        assertThat(value("vitals_gpu_encoder_utilization_ratio", t4)).isNull();
        assertThat(value("vitals_gpu_decoder_utilization_ratio", t4)).isNull();
        assertThat(errors("parse")).isZero();
    }

    @Test
    void missingFieldsKeepWhatIsThereAndCountAParseError() throws IOException {
        GpuMetrics gpus = metrics(fake(printing("0, NVIDIA A10, GPU-a10, 50, 1024\n")));
        gpus.pollNow();
        String[] a10 = {"index", "0", "name", "NVIDIA A10", "uuid", "GPU-a10"};

        assertThat(value("vitals_gpu_utilization_ratio", a10)).isEqualTo(0.5);
        assertThat(value("vitals_gpu_memory_used_bytes", a10)).isEqualTo(1024 * MIB);
        assertThat(value("vitals_gpu_memory_total_bytes", a10)).isNull();
        assertThat(value("vitals_gpu_temperature_celsius", a10)).isNull();
        assertThat(errors("parse")).isEqualTo(1);
    }

    @Test
    void garbageLinesAreDroppedAndCounted() throws IOException {
        String out = "WARNING: infoROM is corrupted at gpu 0000:01:00.0\n"
                + TWO_GPUS
                + "x, y, z\n"
                + "1, duplicate index, GPU-dup, 1, 1, 1, 1, 1, 1, 1, 1\n"
                + "2, NVIDIA L4, GPU-l4, abc, -5, 23034, 1e3, 20.5W, 72.00, 0, 0\n"
                + "3, NVIDIA RTX 6000, Ada Generation, GPU-rtx, 10, 100, 49140, 35, 30.00, 300.00, 0, 0\n";
        GpuMetrics gpus = metrics(fake(printing(out)));
        List<GpuSample> polled = gpus.pollNow();

        assertThat(polled).extracting(GpuSample::index).containsExactly(0, 1, 2, 3);
        assertThat(polled.get(1).uuid()).isEqualTo("GPU-66666666-7777-8888-9999-000000000000");
        GpuSample l4 = polled.get(2);
        assertThat(l4.utilizationRatio()).isNaN();
        assertThat(l4.memoryUsedBytes()).isNaN();
        assertThat(l4.memoryTotalBytes()).isEqualTo(23034 * MIB);
        assertThat(l4.temperatureCelsius()).isNaN();
        assertThat(l4.powerWatts()).isNaN();
        assertThat(l4.powerLimitWatts()).isEqualTo(72);
        GpuSample rtx = polled.get(3);
        assertThat(rtx.name()).as("a comma in the product name").isEqualTo("NVIDIA RTX 6000, Ada Generation");
        assertThat(rtx.uuid()).isEqualTo("GPU-rtx");
        assertThat(rtx.utilizationRatio()).isEqualTo(0.1);
        assertThat(errors("parse")).as("warning, x y z, duplicate index, L4's bad values").isEqualTo(4);
        assertThat(value("vitals_gpu_power_watts", "index", "2", "name", "NVIDIA L4", "uuid", "GPU-l4")).isNull();
    }

    @Test
    void nonZeroExitGivesNoSeriesAndIsCounted() throws IOException {
        Path exe = fake(printing(TWO_GPUS));
        GpuMetrics gpus = metrics(exe);
        assertThat(gpus.pollNow()).hasSize(2);

        fake("echo 'NVIDIA-SMI has failed because it could not communicate with the NVIDIA driver.'; exit 9");
        assertThat(gpus.pollNow()).isEmpty();

        assertThat(errors("exit_status")).isEqualTo(1);
        assertThat(value("vitals_gpu_utilization_ratio", gpu0())).as("no stale values").isNull();
        assertThat(logs).filteredOn(r -> r.getLevel() == Level.WARNING).hasSize(1);
        assertThat(logs.get(0).getMessage()).startsWith(exe + " exited with status 9: NVIDIA-SMI has failed");
    }

    @Test
    void aHangIsKilledWithinTheTimeout() throws IOException {
        GpuMetrics gpus = GpuMetrics.builder().executable(fake("sleep 30").toString())
                .timeout(Duration.ofMillis(500)).register(registry);
        long t0 = System.nanoTime();
        assertThat(gpus.pollNow()).isEmpty();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);

        assertThat(ms).as("500 ms timeout plus process start and kill").isLessThan(5_000);
        assertThat(errors("timeout")).isEqualTo(1);
        assertThat(gpuSeries()).allMatch(s -> s.startsWith("vitals_gpu_poll_errors"));
    }

    @Test
    void absentExecutableGivesZeroSeriesNoErrorsAndOneInfoLine() {
        GpuMetrics gpus = GpuMetrics.builder().executable(dir.resolve("no-such-nvidia-smi").toString()).register(registry);
        assertThat(gpus.pollNow()).isEmpty();
        assertThat(gpus.pollNow()).isEmpty();

        GpuMetrics onPath = GpuMetrics.builder().environment(Map.of("PATH", dir.toString())).register(new PrometheusRegistry());
        assertThat(onPath.pollNow()).isEmpty();

        assertThat(gpuSeries()).isEmpty();
        assertThat(logs).extracting(LogRecord::getLevel).containsExactly(Level.INFO, Level.INFO); // one per instance
    }

    @Test
    void foundOnThePathGivenToThePoller() throws IOException {
        fake(printing(TWO_GPUS));
        GpuMetrics gpus = GpuMetrics.builder()
                .environment(Map.of("PATH", dir + java.io.File.pathSeparator + System.getenv("PATH")))
                .register(registry);
        assertThat(gpus.pollNow()).extracting(GpuSample::index).containsExactly(0, 1);
        assertThat(value("vitals_gpu_memory_total_bytes", gpu1())).isEqualTo(81559 * MIB);
    }

    @Test
    void olderDriversAreQueriedWithoutEncoderAndDecoder() throws IOException {
        Path p = dir.resolve("nvidia-smi");
        Files.writeString(p, "#!/bin/sh\n"
                + "case \"$1\" in *utilization.encoder*) echo 'Field \"utilization.encoder\" is not a valid field to query.'; exit 2;; esac\n"
                + "echo '0, Tesla V100, GPU-v100, 12, 100, 16160, 40, 60.00, 300.00'\n");
        Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
        GpuMetrics gpus = metrics(p);

        GpuSample g = gpus.pollNow().get(0);
        assertThat(g.powerLimitWatts()).isEqualTo(300);
        assertThat(g.encoderUtilizationRatio()).isNaN();
        assertThat(gpus.pollNow()).hasSize(1);
        assertThat(errors("exit_status")).isZero();
        assertThat(errors("parse")).isZero();
    }

    @Test
    void errorsAreLoggedAtMostOnceAnHour() throws IOException {
        AtomicLong clock = new AtomicLong();
        GpuMetrics gpus = GpuMetrics.builder().executable(fake("exit 3").toString()).clock(clock::get)
                .register(registry);
        gpus.pollNow();
        clock.addAndGet(TimeUnit.MINUTES.toNanos(59));
        gpus.pollNow();
        gpus.pollNow();
        assertThat(logs).hasSize(1);
        clock.addAndGet(TimeUnit.MINUTES.toNanos(1));
        gpus.pollNow();
        assertThat(logs).hasSize(2);
        assertThat(errors("exit_status")).isEqualTo(4);
    }

    @Test
    void parserEdgeCases() {
        assertThat(NvidiaSmiCsv.parse("", 11).gpus()).isEmpty();
        assertThat(NvidiaSmiCsv.parse("\n\n", 11).badLines()).isZero();
        NvidiaSmiCsv.Result r = NvidiaSmiCsv.parse("0, [N/A], [N/A], 150, 1, 2, 3, 4, 5, 6, 7\r\n", 11);
        assertThat(r.gpus().get(0).name()).isEqualTo("unknown");
        assertThat(r.gpus().get(0).uuid()).isEqualTo("unknown");
        assertThat(r.gpus().get(0).utilizationRatio()).as("capped").isEqualTo(1.0);
        assertThat(NvidiaSmiCsv.parse("99999, a, b, 1, 1, 1, 1, 1, 1, 1, 1", 11).badLines()).isEqualTo(1);
        assertThat(NvidiaSmiCsv.parse("0, a, b, NaN, Infinity, 1, 1, 1, 1, 1, 1", 11).gpus().get(0).utilizationRatio()).isNaN();
    }

    @Test
    void builderRejectsBadValuesWithExactMessages() {
        assertThatThrownBy(() -> GpuMetrics.builder().executable(" "))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("executable must be a non-blank string");
        assertThatThrownBy(() -> GpuMetrics.builder().executable(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("executable must not be null");
        assertThatThrownBy(() -> GpuMetrics.builder().timeout(Duration.ZERO))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("timeout must be a positive duration, got PT0S");
        assertThatThrownBy(() -> GpuMetrics.builder().interval(null))
                .isExactlyInstanceOf(NullPointerException.class).hasMessage("interval must not be null");
        assertThatThrownBy(() -> GpuMetrics.builder().interval(Duration.ofMillis(500)))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("interval must be >= 1s, got PT0.5S");
    }
}
