package dev.vitals.baseline;

/**
 * The expected value of a series at each time of day (or of week): {@code slots} slots over a period,
 * each an EWMA of the values seen in it on earlier periods, plus an EWMA of the residuals (value minus
 * slot mean) over all slots. Not thread-safe: owned by a {@link Series} under the detector's lock.
 *
 * <p>Expectation at time t: {@code slotMean[slot(t)] + residual.mean}; spread: {@code residual.stddev()}.
 * The spread is pooled over all slots because a slot sees one value a period (or a few, when samples
 * are more frequent than slots): a variance from a handful of values would make z meaningless. The
 * residual mean lets a general rise or fall of the level be followed within a half-life instead of
 * over several periods.
 *
 * <p>A slot's history counts the periods (days, weeks) it has values from, not its values: with
 * one-minute samples a five-minute slot gets five values a day, and must still wait for
 * {@code seasonalMinHistory} days before it judges.
 *
 * <p>Memory: 16 bytes a slot (the mean, the periods seen, the last period): 4.5 KB for 288 daily slots,
 * 31.5 KB for 2,016 weekly ones.
 */
final class SeasonalProfile {
    /**
     * Weight of a new value in its slot once the slot has 4 or more periods: the slot follows roughly
     * its last 4 to 7 values, so a changed daily pattern is learned within a week and one odd day moves
     * it by a quarter at most (less, since updates are clipped).
     */
    static final double SLOT_ALPHA = 0.25;

    final long periodMillis;
    final double[] slotMean;
    /** Periods the slot has values from (saturating). */
    final int[] slotPeriods;
    /** The period of the slot's last value, {@code floorDiv(epochMillis, periodMillis)} (as an int: only compared). */
    final int[] lastPeriod;
    final Ewma residual = new Ewma();

    SeasonalProfile(long periodMillis, int slots) {
        this.periodMillis = periodMillis;
        this.slotMean = new double[slots];
        this.slotPeriods = new int[slots];
        this.lastPeriod = new int[slots];
    }

    /** An independent copy. */
    SeasonalProfile copy() {
        SeasonalProfile c = new SeasonalProfile(periodMillis, slotMean.length);
        System.arraycopy(slotMean, 0, c.slotMean, 0, slotMean.length);
        System.arraycopy(slotPeriods, 0, c.slotPeriods, 0, slotPeriods.length);
        System.arraycopy(lastPeriod, 0, c.lastPeriod, 0, lastPeriod.length);
        c.residual.copyFrom(residual);
        return c;
    }

    int slots() {
        return slotMean.length;
    }

    /** The slot of {@code epochMillis}; slots are aligned on UTC midnight (Thursday 1970-01-01 for weeks). */
    int slotOf(long epochMillis) {
        long inPeriod = Math.floorMod(epochMillis, periodMillis);
        return (int) (inPeriod * slotMean.length / periodMillis);
    }

    /**
     * Whether the slot has values from {@code seasonalMinHistory} earlier periods (the current one does
     * not count: it is not "the same time yesterday") and the residuals are past warm-up.
     */
    boolean ready(long epochMillis, int slot, Settings s) {
        return history(epochMillis, slot) >= s.seasonalMinHistory() && residual.n >= s.warmUp();
    }

    /** Periods before the one of {@code epochMillis} that the slot has values from. */
    private int history(long epochMillis, int slot) {
        int n = slotPeriods[slot];
        return n > 0 && lastPeriod[slot] == period(epochMillis) ? n - 1 : n;
    }

    private int period(long epochMillis) {
        return (int) Math.floorDiv(epochMillis, periodMillis);
    }

    double expected(int slot) {
        return slotMean[slot] + residual.mean;
    }

    /**
     * Learns {@code x}, taken at {@code epochMillis}, in {@code slot}. Once the slot has enough history
     * its residual is learned too, and once it is ready the value may pull the slot and the residuals
     * at most {@code threshold} residual standard deviations from the expectation: one spike cannot
     * distort the profile, a lasting change is still learned. Before that there is no trustworthy
     * spread to clip with.
     */
    void update(long epochMillis, int slot, double x, Settings s) {
        if (history(epochMillis, slot) >= s.seasonalMinHistory()) {
            double r = x - slotMean[slot];
            if (residual.n >= s.warmUp()) {
                double sd = s.floor(residual.stddev(), expected(slot));
                r = Math.max(residual.mean - s.threshold() * sd, Math.min(residual.mean + s.threshold() * sd, r));
                x = slotMean[slot] + r;
            }
            residual.update(r, s.alpha());
        }
        int period = period(epochMillis);
        if (slotPeriods[slot] == 0 || lastPeriod[slot] != period) {
            if (slotPeriods[slot] < Integer.MAX_VALUE) {
                slotPeriods[slot]++;
            }
            lastPeriod[slot] = period;
        }
        // the first periods are averaged (1/n), later ones decay at SLOT_ALPHA; several values in one
        // period each take the period's weight, so the slot leans to the latest of them
        double a = Math.max(SLOT_ALPHA, 1.0 / slotPeriods[slot]);
        slotMean[slot] += a * (x - slotMean[slot]);
    }
}
