package dev.vitals.system;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Function;
import java.util.function.ToLongFunction;
import oshi.SystemInfo;
import oshi.hardware.CentralProcessor;
import oshi.hardware.GlobalMemory;
import oshi.hardware.HWDiskStore;
import oshi.hardware.HardwareAbstractionLayer;
import oshi.hardware.NetworkIF;
import oshi.software.os.OSProcess;

/**
 * Reads the host and this process through OSHI. Not thread-safe: {@link SystemMetrics} calls it from
 * one sampling thread at a time. Each part (cpu, load, memory, process, disk, network) is read on its
 * own, so one failing part leaves the others' values in the snapshot.
 */
final class OshiProbe implements Probe {
    /**
     * Network interfaces are listed again every this many samples (5 min at the default 10 s) and
     * only refreshed in between, which reads their sysfs counters (~2.5 ms against ~4 ms to list).
     */
    static final int REENUMERATE_EVERY = 30;
    /** More devices than this are left out, so a host with thousands of veth interfaces stays bounded. */
    static final int MAX_DEVICES = 64;

    private final CentralProcessor cpu;
    private final GlobalMemory memory;
    private final HardwareAbstractionLayer hal;
    private final OSProcess process;
    private final int logicalCpus;
    private long[] prevTicks;
    private double prevProcessCpuMillis = Double.NaN;
    private long prevNanos;
    private List<NetworkIF> networks;
    private int samples;

    OshiProbe() {
        SystemInfo si = new SystemInfo();
        hal = si.getHardware();
        cpu = hal.getProcessor();
        memory = hal.getMemory();
        process = si.getOperatingSystem().getCurrentProcess();
        logicalCpus = Math.max(1, cpu.getLogicalProcessorCount());
    }

    /**
     * One sample at {@code nowNanos} (the sampler's monotonic clock). A part that throws is reported
     * to {@code onError} with its name and left unmeasured.
     */
    @Override
    public SystemSnapshot sample(long nowNanos, BiConsumer<String, Throwable> onError) {
        double hostCpu = Double.NaN;
        double processCpu = Double.NaN;
        double[] load = {Double.NaN, Double.NaN, Double.NaN};
        double memTotal = Double.NaN;
        double memUsed = Double.NaN;
        double rss = Double.NaN;
        double processCpuSeconds = Double.NaN;
        Map<String, SystemSnapshot.Io> diskIo = Map.of();
        Map<String, SystemSnapshot.Io> netIo = Map.of();
        boolean reenumerate = samples++ % REENUMERATE_EVERY == 0;

        try {
            long[] ticks = cpu.getSystemCpuLoadTicks();
            if (prevTicks != null) {
                hostCpu = busyRatio(prevTicks, ticks);
            }
            prevTicks = ticks;
        } catch (RuntimeException | LinkageError e) {
            onError.accept("cpu", e);
        }
        try {
            double[] l = cpu.getSystemLoadAverage(3);
            for (int i = 0; i < 3 && i < l.length; i++) {
                load[i] = l[i] < 0 ? Double.NaN : l[i]; // negative: not available on this OS
            }
        } catch (RuntimeException | LinkageError e) {
            onError.accept("load", e);
        }
        try {
            long total = memory.getTotal();
            long available = memory.getAvailable();
            if (total > 0) {
                memTotal = total;
                memUsed = Math.max(0, total - available);
            }
        } catch (RuntimeException | LinkageError e) {
            onError.accept("memory", e);
        }
        try {
            if (!process.updateAttributes()) {
                throw new IllegalStateException("OSHI could not refresh the current process");
            }
            rss = process.getResidentSetSize();
            double cpuMillis = process.getKernelTime() + process.getUserTime();
            processCpuSeconds = cpuMillis / 1000.0;
            double wallMillis = (nowNanos - prevNanos) / 1e6;
            if (!Double.isNaN(prevProcessCpuMillis) && wallMillis > 0) {
                // normalized to the whole host so it reads like the host ratio: 1 = every core busy
                processCpu = clampRatio((cpuMillis - prevProcessCpuMillis) / (wallMillis * logicalCpus));
            }
            prevProcessCpuMillis = cpuMillis;
        } catch (RuntimeException | LinkageError e) {
            onError.accept("process", e);
        }
        prevNanos = nowNanos;
        try {
            // listed every time: on Linux one listing (one udev walk, ~5 ms) costs less than
            // refreshing each disk on its own (a udev walk per disk)
            List<HWDiskStore> disks = hal.getDiskStores();
            diskIo = ioByName(disks, HWDiskStore::getName, HWDiskStore::getReadBytes, HWDiskStore::getWriteBytes);
        } catch (RuntimeException | LinkageError e) {
            onError.accept("disk", e);
        }
        try {
            if (reenumerate || networks == null) {
                networks = hal.getNetworkIFs(); // without loopback
            } else {
                for (NetworkIF n : networks) {
                    n.updateAttributes();
                }
            }
            netIo = ioByName(networks, NetworkIF::getName, NetworkIF::getBytesRecv, NetworkIF::getBytesSent);
        } catch (RuntimeException | LinkageError e) {
            networks = null;
            onError.accept("network", e);
        }
        return new SystemSnapshot(hostCpu, processCpu, load[0], load[1], load[2], logicalCpus, memTotal, memUsed,
                rss, processCpuSeconds, diskIo, netIo, Double.NaN);
    }

    /** Counters by device name, at most {@link #MAX_DEVICES}, skipping devices that report a negative (unknown) count. */
    private static <T> Map<String, SystemSnapshot.Io> ioByName(List<T> devices, Function<T, String> name,
            ToLongFunction<T> in, ToLongFunction<T> out) {
        Map<String, SystemSnapshot.Io> m = new LinkedHashMap<>();
        for (T d : devices) {
            if (m.size() < MAX_DEVICES && in.applyAsLong(d) >= 0 && out.applyAsLong(d) >= 0) {
                m.put(name.apply(d), new SystemSnapshot.Io(in.applyAsLong(d), out.applyAsLong(d)));
            }
        }
        return m;
    }

    /** Non-idle share of the CPU time between two tick arrays; idle counts iowait too, as OSHI does. */
    static double busyRatio(long[] before, long[] after) {
        long total = 0;
        for (int i = 0; i < after.length && i < before.length; i++) {
            total += Math.max(0, after[i] - before[i]);
        }
        if (total <= 0) {
            return Double.NaN;
        }
        int idle = CentralProcessor.TickType.IDLE.getIndex();
        int iowait = CentralProcessor.TickType.IOWAIT.getIndex();
        long idleDelta = Math.max(0, after[idle] - before[idle]) + Math.max(0, after[iowait] - before[iowait]);
        return clampRatio((double) (total - idleDelta) / total);
    }

    private static double clampRatio(double r) {
        if (Double.isNaN(r)) {
            return r;
        }
        return Math.min(1.0, Math.max(0.0, r));
    }
}
