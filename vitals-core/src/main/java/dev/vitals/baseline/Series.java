package dev.vitals.baseline;

import dev.vitals.baseline.SeriesState.Basis;

/**
 * The mutable state of one (model, signal) series: its baselines and its anomaly run. Not thread-safe:
 * the {@link Detector} calls it under its lock.
 */
final class Series {
    final String model;
    final String signal;
    final Ewma ewma = new Ewma();
    final RobustWindow window;     // null unless robust
    final SeasonalProfile daily;   // null unless daily seasonality is on
    final SeasonalProfile weekly;  // null unless weekly seasonality is on

    long samples;
    long skippedNaN;
    long skippedLowVolume;
    double lastMean = Double.NaN;
    double lastStddev = Double.NaN;
    double lastZ = Double.NaN;
    Basis lastBasis = Basis.WARM_UP;

    // The run of samples over the threshold: a candidate while !active, the open anomaly while active.
    int above;
    boolean active;
    int calm;
    long runStart;
    long calmStart;
    long runSamples;
    double peakZ;
    double peakValue;
    double peakMean;
    double peakStddev;

    Series(String model, String signal, Settings s) {
        this(model, signal,
                s.robustWindow() > 0 ? new RobustWindow(s.robustWindow()) : null,
                s.dailySlots() > 0 ? new SeasonalProfile(Settings.DAY_MILLIS, s.dailySlots()) : null,
                s.weeklySlots() > 0 ? new SeasonalProfile(Settings.WEEK_MILLIS, s.weeklySlots()) : null);
    }

    private Series(String model, String signal, RobustWindow window, SeasonalProfile daily, SeasonalProfile weekly) {
        this.model = model;
        this.signal = signal;
        this.window = window;
        this.daily = daily;
        this.weekly = weekly;
    }

    /**
     * An independent copy, taken under the detector's lock so that a snapshot can be written outside
     * it (a memory copy of a few KB a series rather than JSON encoding while observations wait).
     */
    Series copy() {
        Series c = new Series(model, signal, window == null ? null : window.copy(),
                daily == null ? null : daily.copy(), weekly == null ? null : weekly.copy());
        c.ewma.copyFrom(ewma);
        c.samples = samples;
        c.skippedNaN = skippedNaN;
        c.skippedLowVolume = skippedLowVolume;
        c.lastMean = lastMean;
        c.lastStddev = lastStddev;
        c.lastZ = lastZ;
        c.lastBasis = lastBasis;
        c.above = above;
        c.active = active;
        c.calm = calm;
        c.runStart = runStart;
        c.calmStart = calmStart;
        c.runSamples = runSamples;
        c.peakZ = peakZ;
        c.peakValue = peakValue;
        c.peakMean = peakMean;
        c.peakStddev = peakStddev;
        return c;
    }

    /**
     * Judges and learns one sample; returns the anomaly it closed, or {@code null}. The sample is
     * compared with the baseline as it was before the sample, so a value cannot hide itself.
     */
    Anomaly observe(long now, double value, long volume, Settings s) {
        if (!Double.isFinite(value)) {
            skippedNaN++;
            return null;
        }
        if (volume < s.minVolume()) {
            // a 100% error rate over one request is noise, and learning it would distort the baseline
            skippedLowVolume++;
            return null;
        }
        // 1. the baseline to compare with: the most specific one that is ready
        int wslot = weekly == null ? -1 : weekly.slotOf(now);
        int dslot = daily == null ? -1 : daily.slotOf(now);
        double mean;
        double sd;
        Basis basis;
        if (weekly != null && weekly.ready(now, wslot, s)) {
            basis = Basis.WEEKLY;
            mean = weekly.expected(wslot);
            sd = weekly.residual.stddev();
        } else if (daily != null && daily.ready(now, dslot, s)) {
            basis = Basis.DAILY;
            mean = daily.expected(dslot);
            sd = daily.residual.stddev();
        } else if (window != null) {
            basis = window.size() >= s.warmUp() ? Basis.ROBUST : Basis.WARM_UP;
            mean = window.median();
            sd = window.scale();
        } else {
            basis = ewma.n >= s.warmUp() ? Basis.EWMA : Basis.WARM_UP;
            mean = ewma.n == 0 ? Double.NaN : ewma.mean;
            sd = ewma.n == 0 ? Double.NaN : ewma.stddev();
        }
        sd = Double.isNaN(mean) ? Double.NaN : s.floor(signal, sd, mean, volume);
        double z = basis == Basis.WARM_UP ? Double.NaN : (value - mean) / sd;

        // 2. learn: every baseline, so that a fallback is current when it is needed
        learn(now, value, volume, wslot, dslot, s);
        samples++;
        lastMean = mean;
        lastStddev = sd;
        lastZ = z;
        lastBasis = basis;
        return basis == Basis.WARM_UP ? null : judge(now, value, z, mean, sd, s);
    }

    private void learn(long now, double value, long volume, int wslot, int dslot, Settings s) {
        double x = value;
        if (ewma.n >= s.warmUp()) {
            // Winsorized: a spike pulls the EWMA at most `threshold` standard deviations, so one outlier
            // cannot inflate the variance and blind the detector; a lasting shift is still learned
            // (an 8-sigma step is absorbed in about 25 samples at the default half-life).
            double sd = s.floor(signal, ewma.stddev(), ewma.mean, volume);
            x = Math.max(ewma.mean - s.threshold() * sd, Math.min(ewma.mean + s.threshold() * sd, value));
        }
        ewma.update(x, s.alpha());
        if (window != null) {
            window.add(value); // unclipped: the median and MAD are robust by themselves
        }
        if (daily != null) {
            daily.update(now, dslot, value, s);
        }
        if (weekly != null) {
            weekly.update(now, wslot, value, s);
        }
    }

    private Anomaly judge(long now, double value, double z, double mean, double sd, Settings s) {
        double abs = Math.abs(z);
        if (!active) {
            if (abs <= s.threshold()) {
                above = 0;
                return null;
            }
            if (above == 0) {
                runStart = now;
                runSamples = 0;
                peakZ = 0;
            }
            above++;
            track(value, z, mean, sd);
            if (above >= s.openAfter()) {
                active = true;
                calm = 0;
            }
            return null;
        }
        track(value, z, mean, sd);
        if (abs >= s.closeThreshold()) {
            calm = 0;
            return null;
        }
        if (calm++ == 0) {
            calmStart = now;
        }
        if (calm < s.closeAfter()) {
            return null;
        }
        Anomaly closed = anomaly(calmStart, runSamples - calm);
        active = false;
        above = 0;
        calm = 0;
        return closed;
    }

    private void track(double value, double z, double mean, double sd) {
        runSamples++;
        if (Math.abs(z) > Math.abs(peakZ)) {
            peakZ = z;
            peakValue = value;
            peakMean = mean;
            peakStddev = sd;
        }
    }

    /** The open anomaly as it stands, or {@code null}. */
    Anomaly openAnomaly() {
        return active ? anomaly(Anomaly.OPEN, runSamples - calm) : null;
    }

    private Anomaly anomaly(long end, long n) {
        return new Anomaly(model, signal, runStart, end, peakZ, peakValue, peakMean, peakStddev, n);
    }

    SeriesState state() {
        return new SeriesState(model, signal, lastMean, lastStddev, lastZ, active, lastBasis,
                samples, skippedNaN, skippedLowVolume);
    }
}
