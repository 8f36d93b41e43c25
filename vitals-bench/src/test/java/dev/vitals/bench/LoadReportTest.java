package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.bench.GatewayLoad.Mode;
import dev.vitals.bench.GatewayLoad.Sample;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The report's arithmetic and honesty rules on samples made up for the purpose. */
class LoadReportTest {
    private static final int N = 1000;

    private static Sample s(String target, Mode mode, int c, int round, double p50, double p99, double rps, int errors,
                            double cpuSeconds, double allocBytes) {
        return new Sample(target, mode, c, round, N, p50, p50 * 1.5, p99, rps, errors, errors > 0 ? "HTTP 500: boom | x" : null,
                cpuSeconds, allocBytes, 1.0 + round, cpuSeconds * 0.01);
    }

    /** Three rounds of direct, bare and vitals in every cell; Vitals within every limit except its p99 at 16. */
    private static List<Sample> samples(int vitalsErrors) {
        List<Sample> out = new ArrayList<>();
        for (Mode m : Mode.values()) {
            for (int c : new int[] {1, 16}) {
                for (int r = 0; r < 3; r++) {
                    out.add(s("direct", m, c, r, 0.02, 0.05, 40_000, 0, Double.NaN, Double.NaN));
                    out.add(s("bare", m, c, r, 0.06 + r * 0.001, 0.10, 10_000 + r * 100, 0, 0.030, 2_048_000));
                    out.add(s("vitals", m, c, r, 0.07 + r * 0.001, c == 16 ? 0.90 : 0.30, 9_000 + r * 100, vitalsErrors,
                            0.036, 10_240_000));
                }
            }
        }
        return out;
    }

    private static GatewayLoad.Options options() {
        GatewayLoad.Options o = new GatewayLoad.Options();
        o.requests = N;
        return o;
    }

    @Test
    void mediansAndRangesOfRoundsAndTheTargetsJudged() {
        String report = LoadReport.report(samples(0), options());
        // bare's p50 over the rounds 0.060, 0.061, 0.062; the load column is the rounds' 1.0-3.0
        assertThat(report).contains("### non-stream, c=1 (1-min load average 2.0 (1.0–3.0))");
        assertThat(report).contains("| bare (floor) | 0.061 (0.060–0.062) | 0.100 |");
        // CPU 30 µs vs 36 µs a request, 2,000 KB / 1000 vs 10,000 KB / 1000
        assertThat(report).contains("| 30.0 | 2.0 | 0 |").contains("| 36.0 | 10.0 | 0 |");
        assertThat(report).contains("- Vitals against the floor: req/s ×0.90, p50 +0.010 ms, p99 +0.200 ms, CPU/request ×1.20");
        assertThat(report).contains("| throughput >= 80% of the floor's | stream, per event, c=16 | ×0.90 | >= ×0.80 | met |");
        assertThat(report).contains("| added p99 <= the floor's + 0.5 ms | non-stream, c=1 | +0.200 | <= +0.500 ms | met |");
        assertThat(report).contains("| added p99 <= the floor's + 0.5 ms | stream, one write, c=16 | +0.800 | <= +0.500 ms | not met |");
        assertThat(report).contains("| added p50 <= the floor's + 0.02 ms | non-stream, c=1 | +0.010 | <= +0.020 ms | met |");
        assertThat(report).contains("| CPU/request <= 1.3× the floor's | non-stream, c=16 | ×1.20 | <= ×1.30 | met |");
        assertThat(report).contains("| allocation/request stated | non-stream, c=1 | Vitals 10.0 KB, floor 2.0 KB | (none) | stated |");
        assertThat(report).doesNotContain("Fewer than 3 rounds");
        assertThat(LoadReport.report(samples(0).stream().filter(s -> s.round() < 2).toList(), options()))
                .contains("Fewer than 3 rounds: indicative only");
    }

    @Test
    void aTargetWithErrorsIsNotMeasuredAndCountsTowardNothing() {
        String report = LoadReport.report(samples(1), options());
        assertThat(report).contains("| vitals | n/a (errors: 3 of 3000; first: HTTP 500: boom / x) | | | | | | | 3 |");
        assertThat(report).contains("- Vitals against the floor: n/a (errors)");
        assertThat(report).doesNotContain("| met |").doesNotContain("not met").doesNotContain("| stated |");
        assertThat(report).contains("| throughput >= 80% of the floor's | non-stream, c=16 |  | >= ×0.80 | n/a (errors) |");
    }

    @Test
    void cellsNotRunAndFiguresNotMeasuredAreNa() {
        List<Sample> only1 = samples(0).stream().filter(s -> s.concurrency() == 1)
                .map(s -> new Sample(s.target(), s.mode(), s.concurrency(), s.round(), s.requests(), s.p50Ms(), s.p90Ms(),
                        s.p99Ms(), s.rps(), s.errors(), s.firstError(), Double.NaN, Double.NaN, s.load1(), Double.NaN))
                .toList();
        GatewayLoad.Options o = options();
        o.concurrency = new int[] {1};
        String report = LoadReport.report(only1, o);
        assertThat(report).contains("| throughput >= 80% of the floor's | non-stream, c=16 |  |  | n/a (c=16 not run) |");
        assertThat(report).contains("| CPU/request <= 1.3× the floor's | non-stream, c=1 |  | <= ×1.30 | n/a (process CPU not measured) |");
        assertThat(report).contains("| allocation/request stated | non-stream, c=1 |  |  | n/a (no GC log) |");
        assertThat(report).contains("| n/a | n/a | 0 |").contains("CPU/request n/a (not measured)");
    }

    @Test
    void kindsNotRunAreNaInTheTargets() {
        GatewayLoad.Options o = options();
        o.modes = new Mode[] {Mode.NON_STREAM};
        String report = LoadReport.report(samples(0).stream().filter(s -> s.mode() == Mode.NON_STREAM).toList(), o);
        assertThat(report).contains("| throughput >= 80% of the floor's | stream, one write, c=16 |  |  | n/a (kind not run) |")
                .contains("| added p50 <= the floor's + 0.02 ms | stream, per event, c=1 |  |  | n/a (kind not run) |")
                .doesNotContain("non-stream, c=16 |  |  | n/a (kind not run)");
    }

    @Test
    void theJitCompilersShareIsStatedAndACellStillCompilingIsCalledAWarmUp() {
        String warm = LoadReport.report(samples(0), options());
        assertThat(warm).contains("- JIT compiler's share of the gateway's CPU: bare 1.0%, vitals 1.0%\n")
                .doesNotContain("still compiling");
        List<Sample> cold = samples(0).stream()
                .map(s -> !s.target().equals("vitals") ? s : new Sample(s.target(), s.mode(), s.concurrency(), s.round(),
                        s.requests(), s.p50Ms(), s.p90Ms(), s.p99Ms(), s.rps(), s.errors(), s.firstError(), s.cpuSeconds(),
                        s.allocatedBytes(), s.load1(), s.cpuSeconds() * 0.4))
                .toList();
        assertThat(LoadReport.report(cold, options())).contains("bare 1.0%, vitals 40.0% (above 5%: still compiling");
    }
}
