package dev.vitals.bench;

import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a gateway process spent on a measured cell, read from outside the process so that every
 * gateway (a JVM or Node) is measured alike:
 * <ul>
 *   <li>CPU: user + system time of the whole process (every thread: event loops, GC, JIT, timers)
 *       from fields 14 and 15 of {@code /proc/PID/stat}, in clock ticks ({@code getconf CLK_TCK},
 *       100 on Linux);</li>
 *   <li>the JIT compiler's part of that CPU: the threads HotSpot names {@code C1 CompilerThread*} and
 *       {@code C2 CompilerThread*} in {@code /proc/PID/task}; more than a few percent during a cell means
 *       the gateway was not yet warm, and its CPU per request is overstated;</li>
 *   <li>allocation (JVMs started with {@code -Xlog:gc:file=PATH}): bytes the collections in the cell
 *       freed (each {@code before->after} of the GC log) plus the growth of the used heap from start to
 *       end ({@code jstat -gc PID}: S0U + S1U + EU + OU). The log gives sizes in whole K/M/G, so each
 *       collection adds up to one unit of rounding error.</li>
 * </ul>
 * Either reading is absent (NaN) where it cannot be made: no pid, no {@code /proc}, no GC log or no
 * {@code jstat}.
 *
 * @param pid the gateway process
 * @param gcLog its GC log; may be null (no allocation figures)
 * @param clockTicks {@code getconf CLK_TCK}
 */
public record ProcessStats(long pid, Path gcLog, double clockTicks) {
    // "GC(12) Pause Young (Allocation Failure) 136M->3M(494M) 1.234ms", ZGC "52M(10%)->24M(5%)"
    private static final Pattern GC_LINE = Pattern.compile("GC\\(\\d+\\) .*?(\\d+)([KMG])(?:\\(\\d+%\\))?->(\\d+)([KMG])");

    /** This JDK's jstat where it has one (a JRE has not), else the one on the PATH. */
    private static final String JSTAT = Files.isExecutable(Path.of(System.getProperty("java.home"), "bin", "jstat"))
            ? Path.of(System.getProperty("java.home"), "bin", "jstat").toString() : "jstat";

    /** A reading at one moment; compare two with {@link #cpuSeconds} and {@link #allocatedBytes}. */
    /** @param compilerTicks CPU ticks of each JIT compiler thread by thread id, or null where not readable */
    public record Mark(double cpuSeconds, java.util.Map<Long, Long> compilerTicks, long gcLogOffset, double heapUsedBytes) {
    }

    public Mark mark() {
        double cpu = cpuSeconds(pid, clockTicks);
        java.util.Map<Long, Long> compiler = compilerTicks(pid); // next to the CPU reading: jstat below takes a while
        long offset = -1;
        double used = Double.NaN;
        if (gcLog != null) {
            try {
                offset = Files.size(gcLog);
                used = jstatHeapUsed(pid);
            } catch (IOException e) {
                offset = -1;
            }
        }
        return new Mark(cpu, compiler, offset, used);
    }

    public double cpuSeconds(Mark from, Mark to) {
        return to.cpuSeconds - from.cpuSeconds;
    }

    /**
     * CPU seconds of the JIT compiler's threads between two marks, or NaN: where they cannot be read, where the
     * process has none (not a HotSpot JVM), or where one ended in between (HotSpot stops idle compiler threads,
     * and a thread's ticks go with it).
     */
    public double compilerCpuSeconds(Mark from, Mark to) {
        return compilerSeconds(from.compilerTicks, to.compilerTicks, clockTicks);
    }

    static double compilerSeconds(java.util.Map<Long, Long> from, java.util.Map<Long, Long> to, double clockTicks) {
        if (from == null || to == null || to.isEmpty() || !to.keySet().containsAll(from.keySet())) {
            return Double.NaN;
        }
        long ticks = 0;
        for (var e : to.entrySet()) {
            ticks += e.getValue() - from.getOrDefault(e.getKey(), 0L);
        }
        return ticks / clockTicks;
    }

    /** Bytes allocated between two marks, or NaN. */
    public double allocatedBytes(Mark from, Mark to) {
        if (gcLog == null || from.gcLogOffset < 0 || to.gcLogOffset < from.gcLogOffset
                || Double.isNaN(from.heapUsedBytes) || Double.isNaN(to.heapUsedBytes)) {
            return Double.NaN;
        }
        try (RandomAccessFile f = new RandomAccessFile(gcLog.toFile(), "r")) {
            f.seek(from.gcLogOffset);
            byte[] b = new byte[(int) (to.gcLogOffset - from.gcLogOffset)];
            f.readFully(b);
            return to.heapUsedBytes - from.heapUsedBytes + freedBytes(new String(b, StandardCharsets.UTF_8));
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    /** The sum of {@code before - after} over the collections in a piece of a {@code -Xlog:gc} log. */
    static double freedBytes(String log) {
        double freed = 0;
        for (String line : log.split("\n")) {
            Matcher m = GC_LINE.matcher(line);
            if (m.find()) {
                freed += bytes(m.group(1), m.group(2)) - bytes(m.group(3), m.group(4));
            }
        }
        return freed;
    }

    private static double bytes(String n, String unit) {
        double v = Double.parseDouble(n);
        return switch (unit) {
            case "K" -> v * 1024;
            case "M" -> v * 1024 * 1024;
            default -> v * 1024 * 1024 * 1024;
        };
    }

    /** User + system CPU seconds of a process from {@code /proc/PID/stat}, or NaN. */
    static double cpuSeconds(long pid, double clockTicks) {
        if (pid <= 0) {
            return Double.NaN;
        }
        try {
            return parseStatCpuTicks(Files.readString(Path.of("/proc/" + pid + "/stat"))) / clockTicks;
        } catch (IOException | RuntimeException e) {
            return Double.NaN;
        }
    }

    /** User + system CPU ticks of each of a JVM's compiler threads (C1, C2) by thread id, or null where they cannot be read. */
    static java.util.Map<Long, Long> compilerTicks(long pid) {
        if (pid <= 0) {
            return null;
        }
        try (var tasks = Files.list(Path.of("/proc/" + pid + "/task"))) {
            java.util.Map<Long, Long> out = new java.util.HashMap<>();
            for (Path t : tasks.toList()) {
                String stat;
                try {
                    stat = Files.readString(t.resolve("stat"));
                } catch (IOException e) {
                    continue; // the thread ended
                }
                if (isCompilerThread(stat)) {
                    out.put(Long.parseLong(t.getFileName().toString()), parseStatCpuTicks(stat));
                }
            }
            return out;
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    /** Whether a {@code /proc/PID/task/TID/stat} line is a HotSpot JIT compiler thread's (its name cut to 15 characters). */
    static boolean isCompilerThread(String stat) {
        int open = stat.indexOf('(');
        String comm = open < 0 ? "" : stat.substring(open + 1, stat.lastIndexOf(')'));
        return comm.startsWith("C1 CompilerThre") || comm.startsWith("C2 CompilerThre");
    }

    /** utime + stime (fields 14 and 15) of a {@code /proc/PID/stat} line; the command may hold spaces and parentheses. */
    static long parseStatCpuTicks(String stat) {
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).trim().split("\\s+");
        // f[0] is field 3 (state), so field n is f[n - 3]
        return Long.parseLong(f[11]) + Long.parseLong(f[12]);
    }

    /** The used heap of a JVM (S0U + S1U + EU + OU of {@code jstat -gc}), in bytes, or NaN. */
    static double jstatHeapUsed(long pid) {
        try {
            Process p = new ProcessBuilder(JSTAT, "-J-Duser.language=en", "-J-Duser.country=US", "-gc", Long.toString(pid)).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                p.destroyForcibly();
                return Double.NaN;
            }
            return parseJstatUsed(out);
        } catch (IOException e) {
            return Double.NaN;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Double.NaN;
        }
    }

    static double parseJstatUsed(String out) {
        String[] lines = out.trim().split("\n");
        if (lines.length < 2) {
            return Double.NaN;
        }
        String[] head = lines[0].trim().split("\\s+");
        String[] vals = lines[lines.length - 1].trim().split("\\s+");
        double kb = 0;
        int found = 0;
        for (int i = 0; i < head.length && i < vals.length; i++) {
            if (head[i].equals("S0U") || head[i].equals("S1U") || head[i].equals("EU") || head[i].equals("OU")) {
                try {
                    kb += Double.parseDouble(vals[i]);
                    found++;
                } catch (NumberFormatException e) {
                    return Double.NaN; // "-" where a GC has no such space
                }
            }
        }
        return found == 4 ? kb * 1024 : Double.NaN;
    }
}
