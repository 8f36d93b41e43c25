package dev.vitals.gpu;

import dev.vitals.internal.Args;
import java.util.Objects;

/**
 * One GPU as one poll saw it, in base units. A value the driver did not report ({@code [N/A]},
 * {@code [Not Supported]}, missing or unreadable) is {@code NaN}, and its series is left out.
 *
 * <pre>{@code
 * // nvidia-smi: 0, NVIDIA H100 80GB HBM3, GPU-5a0c..., 87, 40960, 81559, 64, 512.30, 700.00, 0, 0
 * GpuSample g = gpus.gpus().get(0);
 * g.utilizationRatio();   // 0.87
 * g.memoryUsedBytes();    // 4.294967296E10 (40960 MiB)
 * g.powerWatts();         // 512.3
 * }</pre>
 *
 * @param index the driver's index of the GPU, as in {@code nvidia-smi -i}
 * @param name the product name, e.g. {@code NVIDIA H100 80GB HBM3}
 * @param uuid the GPU's UUID, e.g. {@code GPU-5a0c...}, or {@code unknown}
 * @param utilizationRatio share of the last sample period a kernel ran, 0..1
 * @param memoryUsedBytes device memory in use
 * @param memoryTotalBytes device memory
 * @param temperatureCelsius core temperature
 * @param powerWatts power draw
 * @param powerLimitWatts the enforced power limit
 * @param encoderUtilizationRatio video encoder busy share, 0..1
 * @param decoderUtilizationRatio video decoder busy share, 0..1
 */
public record GpuSample(
        int index,
        String name,
        String uuid,
        double utilizationRatio,
        double memoryUsedBytes,
        double memoryTotalBytes,
        double temperatureCelsius,
        double powerWatts,
        double powerLimitWatts,
        double encoderUtilizationRatio,
        double decoderUtilizationRatio) {

    public GpuSample {
        Args.atLeast(index, 0, "index");
        Objects.requireNonNull(name, "name must not be null");
        Objects.requireNonNull(uuid, "uuid must not be null");
    }
}
