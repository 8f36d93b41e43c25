package dev.vitals.bench;

import dev.vitals.bench.GatewayLoad.Mode;
import dev.vitals.bench.GatewayLoad.Sample;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The gateway benchmark's report: per cell, the floor (bare proxy), Vitals and the peer (Portkey) side
 * by side with the load average, each figure the median and range of the rounds; Vitals against the
 * floor and the peer in the same round; and the targets of issue 23 judged met / not met / n/a.
 *
 * <p>Honesty rules: a target with any error in a cell is "n/a (errors)" there and counts toward no
 * ratio, difference or target; so is everything "added" when direct had errors. CPU and allocation
 * are n/a where they were not measured (gateways inside the load process, no GC log).
 */
public final class LoadReport {
    /** Throughput at concurrency 16: at least this share of the floor's. */
    static final double MIN_THROUGHPUT_SHARE = 0.8;
    /** Above this share of a gateway's CPU in its JIT compiler, a cell measured a warm-up. */
    static final double MAX_JIT_SHARE = 0.05;
    /** Added p99 at 1 and 16: at most the floor's plus this, ms. */
    static final double MAX_P99_OVER_FLOOR_MS = 0.5;
    /** Added p50 at 1: at most the floor's plus this, ms. */
    static final double MAX_P50_OVER_FLOOR_MS = 0.02;
    /** CPU per request: at most this multiple of the floor's. */
    static final double MAX_CPU_RATIO = 1.3;

    private LoadReport() {
    }

    /** One target's rounds in one cell. */
    private record Cell(List<Sample> rounds) {
        int errors() {
            return rounds.stream().mapToInt(Sample::errors).sum();
        }

        boolean ok() {
            return !rounds.isEmpty() && errors() == 0;
        }

        Sample round(int r) {
            return rounds.stream().filter(s -> s.round() == r).findFirst().orElse(null);
        }
    }

    public static String report(List<Sample> samples, GatewayLoad.Options o) {
        StringBuilder sb = new StringBuilder();
        int rounds = samples.stream().mapToInt(Sample::round).max().orElse(-1) + 1;
        sb.append(String.format(Locale.ROOT, "Gateway overhead: %d round(s) of %d requests per target and cell (the peer: %d);"
                + " streams of %d content events (per-event streams: one write per event, %d ms apart); figures are the"
                + " median (min-max) of the rounds.%n%n", rounds, o.requests, o.peerRequests, o.chunks, o.chunkGapMillis));
        List<String[]> checks = new ArrayList<>();
        for (Mode mode : Mode.values()) {
            for (int c : o.concurrency) {
                Map<String, Cell> cell = new LinkedHashMap<>();
                for (Sample s : samples) {
                    if (s.mode() == mode && s.concurrency() == c) {
                        cell.computeIfAbsent(s.target(), k -> new Cell(new ArrayList<>())).rounds().add(s);
                    }
                }
                if (cell.isEmpty()) {
                    continue;
                }
                cell(sb, mode, c, cell, rounds);
                checks.addAll(checks(mode, c, cell, rounds));
            }
        }
        sb.append("### Targets (Vitals against the floor of the same round)\n\n");
        if (rounds < 3) {
            sb.append("Fewer than 3 rounds: indicative only; issue 23 judges the median of at least 3.\n\n");
        }
        sb.append("| target | cell | measured | limit | result |\n|---|---|---|---|---|\n");
        for (int c : new int[] {1, 16}) {
            boolean cRun = Arrays.stream(o.concurrency).anyMatch(x -> x == c);
            for (Mode mode : Mode.values()) {
                if (cRun && !Arrays.asList(o.modes).contains(mode)) {
                    String cell = mode.label + ", c=" + c;
                    if (c == 16) {
                        checks.add(new String[] {"throughput >= 80% of the floor's", cell, "", "", "n/a (kind not run)"});
                    }
                    checks.add(new String[] {"added p99 <= the floor's + 0.5 ms", cell, "", "", "n/a (kind not run)"});
                    if (c == 1) {
                        checks.add(new String[] {"added p50 <= the floor's + 0.02 ms", cell, "", "", "n/a (kind not run)"});
                    }
                }
            }
            if (!cRun) {
                for (Mode mode : Mode.values()) {
                    String cell = mode.label + ", c=" + c;
                    if (c == 16) {
                        checks.add(new String[] {"throughput >= 80% of the floor's", cell, "", "", "n/a (c=16 not run)"});
                    }
                    checks.add(new String[] {"added p99 <= the floor's + 0.5 ms", cell, "", "", "n/a (c=" + c + " not run)"});
                    if (c == 1) {
                        checks.add(new String[] {"added p50 <= the floor's + 0.02 ms", cell, "", "", "n/a (c=1 not run)"});
                    }
                }
            }
        }
        checks.forEach(row -> sb.append("| ").append(String.join(" | ", row)).append(" |\n"));
        return sb.toString();
    }

    private static void cell(StringBuilder sb, Mode mode, int c, Map<String, Cell> cell, int rounds) {
        double[] load = values(cell.values().iterator().next(), Sample::load1);
        sb.append(String.format(Locale.ROOT, "### %s, c=%d (1-min load average %s)%n%n", mode.label, c, range(load, "%.1f")));
        sb.append("| target | p50 ms | p99 ms | added p50 ms | added p99 ms | req/s | CPU µs/req | alloc KB/req | errors |\n");
        sb.append("|---|---|---|---|---|---|---|---|---|\n");
        Cell direct = cell.get("direct");
        for (var e : cell.entrySet()) {
            Cell t = e.getValue();
            String name = switch (e.getKey()) {
                case "bare" -> "bare (floor)";
                case "portkey" -> "portkey (peer)";
                default -> e.getKey();
            };
            if (!t.ok()) {
                Sample first = t.rounds().stream().filter(s -> s.firstError() != null).findFirst().orElse(null);
                String why = String.format(Locale.ROOT, "n/a (errors: %d of %d; first: %s)", t.errors(),
                        t.rounds().stream().mapToInt(Sample::requests).sum(),
                        first == null ? "?" : first.firstError().replace('|', '/'));
                sb.append("| ").append(name).append(" | ").append(why).append(" | | | | | | | ").append(t.errors()).append(" |\n");
                continue;
            }
            boolean added = direct != null && direct.ok() && !e.getKey().equals("direct");
            sb.append("| ").append(name)
                    .append(" | ").append(range(values(t, Sample::p50Ms), "%.3f"))
                    .append(" | ").append(range(values(t, Sample::p99Ms), "%.3f"))
                    .append(" | ").append(added ? range(diff(t, direct, Sample::p50Ms, rounds), "%.3f") : "")
                    .append(" | ").append(added ? range(diff(t, direct, Sample::p99Ms, rounds), "%.3f") : "")
                    .append(" | ").append(range(values(t, Sample::rps), "%,.0f"))
                    .append(" | ").append(range(values(t, s -> s.cpuSeconds() / s.requests() * 1e6), "%.1f"))
                    .append(" | ").append(range(values(t, s -> s.allocatedBytes() / s.requests() / 1024), "%.1f"))
                    .append(" | 0 |\n");
        }
        sb.append('\n');
        Cell vitals = cell.get("vitals");
        Cell bare = cell.get("bare");
        Cell peer = cell.get("portkey");
        if (vitals != null && bare != null) {
            sb.append("- Vitals against the floor: ");
            if (!vitals.ok() || !bare.ok()) {
                sb.append("n/a (errors)\n");
            } else {
                sb.append("req/s ×").append(range(ratio(vitals, bare, Sample::rps, rounds), "%.2f"))
                        .append(", p50 ").append(range(diff(vitals, bare, Sample::p50Ms, rounds), "%+.3f")).append(" ms")
                        .append(", p99 ").append(range(diff(vitals, bare, Sample::p99Ms, rounds), "%+.3f")).append(" ms")
                        .append(", CPU/request ");
                double[] cpu = ratio(vitals, bare, LoadReport::cpuPerRequest, rounds);
                sb.append(cpu.length == 0 ? "n/a (not measured)" : "×" + range(cpu, "%.2f")).append('\n');
            }
        }
        jitLine(sb, cell);
        if (vitals != null && peer != null) {
            sb.append("- Vitals against the peer (Vitals' added latency / Portkey's): ");
            if (!vitals.ok() || !peer.ok() || direct == null || !direct.ok()) {
                sb.append("n/a (").append(!peer.ok() ? "Portkey had errors" : "errors").append(")\n");
            } else {
                sb.append("p50 ").append(range(addedRatio(vitals, peer, direct, Sample::p50Ms, rounds), "%.3f"))
                        .append(", p99 ").append(range(addedRatio(vitals, peer, direct, Sample::p99Ms, rounds), "%.3f"))
                        .append("; req/s ×").append(range(ratio(vitals, peer, Sample::rps, rounds), "%.2f")).append('\n');
            }
        }
        sb.append('\n');
    }

    /**
     * The JIT compiler's share of each JVM gateway's CPU in the cell (median of the rounds). Above
     * {@link #MAX_JIT_SHARE} the gateway was still being compiled: its CPU per request and throughput
     * describe a warm-up, not the steady state, so the line says to warm up longer.
     */
    private static void jitLine(StringBuilder sb, Map<String, Cell> cell) {
        List<String> parts = new ArrayList<>();
        boolean cold = false;
        for (var e : cell.entrySet()) {
            double[] share = values(e.getValue(), s -> s.compilerCpuSeconds() / s.cpuSeconds());
            if (share.length == 0 || !e.getValue().ok()) {
                continue;
            }
            double median = median(share);
            cold |= median > MAX_JIT_SHARE;
            parts.add(String.format(Locale.ROOT, "%s %.1f%%", e.getKey(), median * 100));
        }
        if (!parts.isEmpty()) {
            sb.append("- JIT compiler's share of the gateway's CPU: ").append(String.join(", ", parts))
                    .append(cold ? String.format(Locale.ROOT, " (above %.0f%%: still compiling, so CPU and throughput describe a warm-up;"
                            + " use a longer --warmup-seconds)", MAX_JIT_SHARE * 100) : "").append('\n');
        }
    }

    private static List<String[]> checks(Mode mode, int c, Map<String, Cell> cell, int rounds) {
        List<String[]> out = new ArrayList<>();
        String where = mode.label + ", c=" + c;
        Cell v = cell.get("vitals");
        Cell f = cell.get("bare");
        String bad = v == null || f == null ? "n/a (not run)" : !v.ok() || !f.ok() ? "n/a (errors)" : null;
        if (c == 16) {
            double[] r = bad == null ? ratio(v, f, Sample::rps, rounds) : new double[0];
            out.add(check("throughput >= 80% of the floor's", where, r, "%.2f", "×", ">= ×0.80", bad,
                    x -> x >= MIN_THROUGHPUT_SHARE));
        }
        if (c == 1 || c == 16) {
            double[] d = bad == null ? diff(v, f, Sample::p99Ms, rounds) : new double[0];
            out.add(check("added p99 <= the floor's + 0.5 ms", where, d, "%+.3f", "", "<= +0.500 ms", bad,
                    x -> x <= MAX_P99_OVER_FLOOR_MS));
        }
        if (c == 1) {
            double[] d = bad == null ? diff(v, f, Sample::p50Ms, rounds) : new double[0];
            out.add(check("added p50 <= the floor's + 0.02 ms", where, d, "%+.3f", "", "<= +0.020 ms", bad,
                    x -> x <= MAX_P50_OVER_FLOOR_MS));
        }
        double[] cpu = bad == null ? ratio(v, f, LoadReport::cpuPerRequest, rounds) : new double[0];
        out.add(check("CPU/request <= 1.3× the floor's", where, cpu, "%.2f", "×", "<= ×1.30",
                bad != null ? bad : cpu.length == 0 ? "n/a (process CPU not measured)" : null, x -> x <= MAX_CPU_RATIO));
        if (bad == null) {
            double[] va = values(v, s -> s.allocatedBytes() / s.requests() / 1024);
            double[] fa = values(f, s -> s.allocatedBytes() / s.requests() / 1024);
            out.add(va.length == 0 ? new String[] {"allocation/request stated", where, "", "", "n/a (no GC log)"}
                    : new String[] {"allocation/request stated", where, "Vitals " + range(va, "%.1f") + " KB, floor "
                    + (fa.length == 0 ? "n/a" : range(fa, "%.1f") + " KB"), "(none)", "stated"});
        } else {
            out.add(new String[] {"allocation/request stated", where, "", "", bad});
        }
        return out;
    }

    private static String[] check(String name, String where, double[] values, String fmt, String prefix, String limit,
                                  String bad, java.util.function.DoublePredicate ok) {
        if (bad != null) {
            return new String[] {name, where, "", limit, bad};
        }
        return new String[] {name, where, prefix + range(values, fmt), limit, ok.test(median(values)) ? "met" : "not met"};
    }

    /** The rounds' values of one figure, NaN ones left out. */
    private static double[] values(Cell c, ToDoubleFunction<Sample> f) {
        return c.rounds().stream().mapToDouble(f).filter(x -> !Double.isNaN(x)).toArray();
    }

    /** a − b per round, for the rounds both have. */
    private static double[] diff(Cell a, Cell b, ToDoubleFunction<Sample> f, int rounds) {
        return perRound(f, rounds, v -> v[0] - v[1], a, b);
    }

    /** a / b per round, for the rounds both have. */
    private static double[] ratio(Cell a, Cell b, ToDoubleFunction<Sample> f, int rounds) {
        return perRound(f, rounds, v -> v[0] / v[1], a, b);
    }

    /** (a − direct) / (b − direct) per round. */
    private static double[] addedRatio(Cell a, Cell b, Cell direct, ToDoubleFunction<Sample> f, int rounds) {
        return perRound(f, rounds, v -> (v[0] - v[2]) / (v[1] - v[2]), a, b, direct);
    }

    /** {@code combine} of the cells' values of f per round, for the rounds all cells have; NaN and infinite results left out. */
    private static double[] perRound(ToDoubleFunction<Sample> f, int rounds, ToDoubleFunction<double[]> combine, Cell... cells) {
        List<Double> out = new ArrayList<>();
        for (int r = 0; r < rounds; r++) {
            double[] v = new double[cells.length];
            int have = 0;
            for (Cell c : cells) {
                Sample s = c.round(r);
                if (s == null) {
                    break;
                }
                v[have++] = f.applyAsDouble(s);
            }
            if (have == cells.length) {
                out.add(combine.applyAsDouble(v));
            }
        }
        return out.stream().mapToDouble(Double::doubleValue).filter(Double::isFinite).toArray();
    }

    private static double cpuPerRequest(Sample s) {
        return s.cpuSeconds() / s.requests();
    }

    static double median(double[] v) {
        double[] s = v.clone();
        Arrays.sort(s);
        int n = s.length;
        return n == 0 ? Double.NaN : n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
    }

    /** "median (min-max)", or the one value, or "n/a" when there is none. */
    static String range(double[] v, String fmt) {
        if (v.length == 0) {
            return "n/a";
        }
        double[] s = v.clone();
        Arrays.sort(s);
        String med = String.format(Locale.ROOT, fmt, median(s));
        String min = String.format(Locale.ROOT, fmt, s[0]);
        String max = String.format(Locale.ROOT, fmt, s[s.length - 1]);
        return min.equals(max) ? med : med + " (" + min + "–" + max + ")";
    }

    /** The 1-minute load average, or NaN where /proc/loadavg is missing. */
    static double load1() {
        try {
            return Double.parseDouble(Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+")[0]);
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** The 1, 5 and 15-minute load averages, or "unknown". */
    static String loadAverage() {
        try {
            String[] f = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
            return f[0] + " " + f[1] + " " + f[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }
}
