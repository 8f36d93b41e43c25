package dev.vitals.server.rules;

import dev.vitals.metrics.Buckets;
import java.util.Arrays;

/**
 * The knobs of the generated alert rules, with defaults that suit a typical LLM service.
 *
 * @param availabilityTarget share of calls that must succeed over 30 days (default 0.999)
 * @param latencyTarget share of calls that must finish within {@code latencyThresholdSeconds} (default 0.99)
 * @param latencyThresholdSeconds the latency SLO's threshold; must be a bucket of
 *        {@code llm_request_latency_seconds} ({@link Buckets#LATENCY_SECONDS}; default 5)
 * @param monthlyBudgetUsd spend of all models together that a 30-day month may cost (default 1000)
 * @param minRequestRate requests per second below which a model never pages and its z-scores never
 *        alert: a handful of calls makes ratios and quantiles noise (default 0.05, 3 a minute)
 * @param qualityDrop drop of {@code vitals_quality_accuracy} (a 0..1 ratio) below its weekly average
 *        that alerts (default 0.10, ten percentage points)
 * @param job the Prometheus job that scrapes Vitals (default {@code vitals})
 */
public record RulesParams(double availabilityTarget, double latencyTarget, double latencyThresholdSeconds,
                          double monthlyBudgetUsd, double minRequestRate, double qualityDrop, String job) {

    public static final double DEFAULT_AVAILABILITY_TARGET = 0.999;
    public static final double DEFAULT_LATENCY_TARGET = 0.99;
    public static final double DEFAULT_LATENCY_THRESHOLD_SECONDS = 5;
    public static final double DEFAULT_MONTHLY_BUDGET_USD = 1000;
    public static final double DEFAULT_MIN_REQUEST_RATE = 0.05;
    public static final double DEFAULT_QUALITY_DROP = 0.10;
    public static final String DEFAULT_JOB = "vitals";

    public RulesParams {
        requireTarget("availability target", availabilityTarget);
        requireTarget("latency target", latencyTarget);
        if (Arrays.stream(Buckets.LATENCY_SECONDS).noneMatch(b -> b == latencyThresholdSeconds)) {
            throw new IllegalArgumentException("latency threshold " + latencyThresholdSeconds
                    + " s is not a bucket of llm_request_latency_seconds; pick one of "
                    + Arrays.toString(Buckets.LATENCY_SECONDS));
        }
        if (!(monthlyBudgetUsd > 0) || Double.isInfinite(monthlyBudgetUsd)) {
            throw new IllegalArgumentException("monthly budget must be a positive number of USD, got " + monthlyBudgetUsd);
        }
        if (!(minRequestRate >= 0) || Double.isInfinite(minRequestRate)) {
            throw new IllegalArgumentException("minimum request rate must be >= 0 requests/s, got " + minRequestRate);
        }
        if (!(qualityDrop > 0 && qualityDrop < 1)) {
            throw new IllegalArgumentException("quality drop must be in (0, 1) (a share of accuracy), got " + qualityDrop);
        }
        if (job == null || !job.matches("[A-Za-z0-9_.:-]{1,64}")) {
            throw new IllegalArgumentException("job must be 1-64 characters of [A-Za-z0-9_.:-], got " + job);
        }
    }

    /** The defaults. */
    public static RulesParams defaults() {
        return new RulesParams(DEFAULT_AVAILABILITY_TARGET, DEFAULT_LATENCY_TARGET, DEFAULT_LATENCY_THRESHOLD_SECONDS,
                DEFAULT_MONTHLY_BUDGET_USD, DEFAULT_MIN_REQUEST_RATE, DEFAULT_QUALITY_DROP, DEFAULT_JOB);
    }

    public RulesParams withAvailabilityTarget(double v) {
        return new RulesParams(v, latencyTarget, latencyThresholdSeconds, monthlyBudgetUsd, minRequestRate, qualityDrop, job);
    }

    public RulesParams withLatency(double target, double thresholdSeconds) {
        return new RulesParams(availabilityTarget, target, thresholdSeconds, monthlyBudgetUsd, minRequestRate, qualityDrop, job);
    }

    public RulesParams withMonthlyBudgetUsd(double v) {
        return new RulesParams(availabilityTarget, latencyTarget, latencyThresholdSeconds, v, minRequestRate, qualityDrop, job);
    }

    public RulesParams withMinRequestRate(double v) {
        return new RulesParams(availabilityTarget, latencyTarget, latencyThresholdSeconds, monthlyBudgetUsd, v, qualityDrop, job);
    }

    public RulesParams withQualityDrop(double v) {
        return new RulesParams(availabilityTarget, latencyTarget, latencyThresholdSeconds, monthlyBudgetUsd, minRequestRate, v, job);
    }

    public RulesParams withJob(String v) {
        return new RulesParams(availabilityTarget, latencyTarget, latencyThresholdSeconds, monthlyBudgetUsd, minRequestRate, qualityDrop, v);
    }

    private static void requireTarget(String what, double v) {
        if (!(v > 0 && v < 1)) {
            throw new IllegalArgumentException(what + " must be in (0, 1), e.g. 0.999, got " + v);
        }
    }
}
