package dev.vitals.system;

import java.util.Map;
import java.util.Objects;

/**
 * What one sample of the host and this process saw. Immutable; {@link SystemMetrics} swaps in a new
 * one per sample and every scrape reads the latest, so a scrape never calls the operating system.
 *
 * <p>A value that could not be measured is {@code NaN} (scalars) or absent (devices), and the
 * matching series is left out rather than reported as 0. Ratios need two samples: they are
 * {@code NaN} in the first one.
 *
 * <pre>{@code
 * SystemSnapshot s = system.snapshot();
 * s.hostCpuRatio();        // 0.37: 37 % of all cores busy since the previous sample
 * s.memoryUsedBytes();     // 8.1e9
 * s.disks().get("sda");    // Io[in=1.2e9 bytes read, out=3.4e9 bytes written] since boot
 * }</pre>
 *
 * @param hostCpuRatio share of all logical CPUs' time spent non-idle since the previous sample, 0..1
 * @param processCpuRatio this process's CPU time since the previous sample over the host's total
 *     CPU capacity (wall time x logical CPUs), 0..1
 * @param load1 1-minute load average
 * @param load5 5-minute load average
 * @param load15 15-minute load average
 * @param logicalCpus logical processors
 * @param memoryTotalBytes physical memory
 * @param memoryUsedBytes physical memory not available to new work: total minus available
 * @param processResidentBytes resident set size of this process
 * @param processCpuSeconds user plus kernel CPU time of this process since it started
 * @param disks cumulative bytes per disk since boot: {@code in} = read, {@code out} = written
 * @param networks cumulative bytes per network interface: {@code in} = received, {@code out} = sent
 * @param sampleSeconds wall time this sample took to take
 */
public record SystemSnapshot(
        double hostCpuRatio,
        double processCpuRatio,
        double load1,
        double load5,
        double load15,
        double logicalCpus,
        double memoryTotalBytes,
        double memoryUsedBytes,
        double processResidentBytes,
        double processCpuSeconds,
        Map<String, Io> disks,
        Map<String, Io> networks,
        double sampleSeconds) {

    /** Before the first sample: nothing known. */
    public static final SystemSnapshot EMPTY = new SystemSnapshot(Double.NaN, Double.NaN, Double.NaN, Double.NaN,
            Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Double.NaN, Map.of(), Map.of(), Double.NaN);

    public SystemSnapshot {
        disks = Map.copyOf(Objects.requireNonNull(disks, "disks must not be null"));
        networks = Map.copyOf(Objects.requireNonNull(networks, "networks must not be null"));
    }

    /**
     * Cumulative byte counters of one device.
     *
     * @param in bytes read (disk) or received (network)
     * @param out bytes written (disk) or sent (network)
     */
    public record Io(long in, long out) {
    }
}
