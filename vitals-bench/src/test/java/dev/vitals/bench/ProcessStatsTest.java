package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reading a process's CPU time and a JVM's allocation from outside it. */
class ProcessStatsTest {

    @Test
    void cpuTicksFromProcStatEvenWithParenthesesAndSpacesInTheCommand() {
        String stat = "4242 (java (main) x) S 1 4242 4242 0 -1 4194560 5000 0 0 0 1234 567 0 0 20 0 30 0 100 0 0";
        assertThat(ProcessStats.parseStatCpuTicks(stat)).isEqualTo(1234 + 567);
    }

    @Test
    void compilerThreadsAreKnownByTheirCutName() {
        assertThat(ProcessStats.isCompilerThread("77 (C2 CompilerThre) S 1 2 3")).isTrue();
        assertThat(ProcessStats.isCompilerThread("78 (C1 CompilerThre) S 1 2 3")).isTrue();
        assertThat(ProcessStats.isCompilerThread("79 (vert.x-eventloo) S 1 2 3")).isFalse();
        var now = ProcessStats.compilerTicks(ProcessHandle.current().pid());
        assertThat(now).isNotNull().isNotEmpty(); // this test JVM compiles
        assertThat(ProcessStats.compilerTicks(0)).isNull();
    }

    @Test
    void compilerSecondsAreNaNWhenAThreadEndedOrThereIsNone() {
        assertThat(ProcessStats.compilerSeconds(Map.of(1L, 10L, 2L, 5L), Map.of(1L, 30L, 2L, 5L, 3L, 7L), 100)).isEqualTo(0.27);
        assertThat(ProcessStats.compilerSeconds(Map.of(1L, 10L, 2L, 5L), Map.of(1L, 30L), 100)).as("thread 2 ended").isNaN();
        assertThat(ProcessStats.compilerSeconds(Map.of(), Map.of(), 100)).as("no compiler threads: not a JVM").isNaN();
        assertThat(ProcessStats.compilerSeconds(null, Map.of(1L, 1L), 100)).isNaN();
    }

    @Test
    void cpuSecondsOfThisProcessAndNothingForNoProcess() {
        double cpu = ProcessStats.cpuSeconds(ProcessHandle.current().pid(), 100);
        assertThat(cpu).isPositive(); // this JVM has at least compiled and run these tests
        assertThat(ProcessStats.cpuSeconds(0, 100)).isNaN();
        assertThat(ProcessStats.cpuSeconds(Long.MAX_VALUE, 100)).isNaN();
    }

    @Test
    void bytesFreedByTheCollectionsOfEachCollector() {
        String log = """
                [0.012s][info][gc] Using Serial
                [1.234s][info][gc] GC(0) Pause Young (Allocation Failure) 136M->3M(494M) 1.234ms
                [2.000s][info][gc] GC(1) Pause Young (Normal) (G1 Evacuation Pause) 24M->4M(512M) 2.100ms
                [2.100s][info][gc] GC(2) Concurrent Mark Cycle
                [2.200s][info][gc] GC(2) Pause Remark 30M->30M(512M) 0.900ms
                [3.000s][info][gc] GC(3) Garbage Collection (Allocation Rate) 52M(10%)->24M(5%)
                [3.500s][info][gc] GC(4) Pause Young (Allocation Failure) 2048K->1024K(8192K) 0.100ms
                """;
        double mib = 1024 * 1024;
        assertThat(ProcessStats.freedBytes(log)).isCloseTo(133 * mib + 20 * mib + 0 + 28 * mib + 1024 * 1024, within(1.0));
        assertThat(ProcessStats.freedBytes("")).isZero();
    }

    @Test
    void usedHeapFromJstat() {
        String out = """
                 S0C    S1C    S0U    S1U      EC       EU        OC         OU       MC     MU    CCSC   CCSU   YGC     YGCT    FGC    FGCT    CGC    CGCT     GCT
                 0.0   2048.0  0.0   2048.0 258048.0 104448.0  264192.0    1024.5   43776.0 43011.4 5376.0 5048.6      3    0.016   0      0.000   0      0.000    0.016
                """;
        assertThat(ProcessStats.parseJstatUsed(out)).isEqualTo((2048.0 + 104448.0 + 1024.5) * 1024);
        assertThat(ProcessStats.parseJstatUsed("12345 not found")).isNaN();
        // this JVM, read from outside through its perf data, as the harness reads a gateway
        assertThat(ProcessStats.jstatHeapUsed(ProcessHandle.current().pid())).isPositive();
    }

    /** The method end to end on a JVM that allocates a known amount, with collections in between. */
    @Test
    void allocationOfAnotherJvmWithinAFewMegabytes(@TempDir Path dir) throws Exception {
        Path gcLog = dir.resolve("gc.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-XX:+UseSerialGC", "-Xmx128m", "-Xmn16m", "-Xlog:gc:file=" + gcLog, "-cp", System.getProperty("java.class.path"),
                AllocateOnRequest.class.getName()).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            PrintWriter in = new PrintWriter(p.getOutputStream(), true, StandardCharsets.UTF_8);
            assertThat(out.readLine()).isEqualTo("ready");
            ProcessStats stats = new ProcessStats(p.pid(), gcLog, 100);
            ProcessStats.Mark m0 = stats.mark();
            in.println("64"); // four young collections of a 16 MB young generation, and some
            assertThat(out.readLine()).isEqualTo("done");
            ProcessStats.Mark m1 = stats.mark();
            double mib = 1024 * 1024;
            assertThat(stats.allocatedBytes(m0, m1) / mib).isBetween(64.0 - 4, 64.0 + 8);
            assertThat(stats.cpuSeconds(m0, m1)).isGreaterThanOrEqualTo(0);
        } finally {
            p.destroy();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }
}
