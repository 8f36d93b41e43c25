package dev.vitals.quality;

import dev.vitals.internal.Args;
import dev.vitals.internal.Moments;
import java.util.Objects;

/**
 * Mergeable regression sums. The actuals' spread is kept as Welford's (count, mean, M2) and merged
 * with Chan et al.'s formula, so it stays exactly 0 for constant actuals and does not cancel
 * catastrophically as sum(y^2) - sum(y)^2 / n would. Not thread-safe; {@link QualityStats} locks.
 */
final class RegressionAcc {
    long count;
    double mean;
    double m2;
    double sse; // sum of (actual - predicted)^2
    double sae; // sum of |actual - predicted|
    double sape; // sum of |actual - predicted| / max(|actual|, eps)

    /** Rows that reference the caller's arrays; valid while the adding call runs. */
    record Batch(double[] actual, double[] predicted, int count) implements QualityBatch {
    }

    static Batch prepare(double[] actual, double[] predicted, int count) {
        Args.atLeast(count, 0, "count");
        Objects.requireNonNull(actual, "actual must not be null");
        Objects.requireNonNull(predicted, "predicted must not be null");
        ClassificationBatch.checkLength("actual", actual.length, count);
        ClassificationBatch.checkLength("predicted", predicted.length, count);
        for (int i = 0; i < count; i++) {
            if (!Double.isFinite(actual[i])) {
                throw new IllegalArgumentException("row " + i + ": actual must be a finite number, got " + actual[i]);
            }
            if (!Double.isFinite(predicted[i])) {
                throw new IllegalArgumentException("row " + i + ": predicted must be a finite number, got " + predicted[i]);
            }
        }
        return new Batch(actual, predicted, count);
    }

    void apply(Batch b) {
        for (int i = 0; i < b.count; i++) {
            double y = b.actual[i];
            double e = y - b.predicted[i];
            count++;
            double d = y - mean;
            mean += d / count;
            m2 += d * (y - mean);
            sse += e * e;
            sae += Math.abs(e);
            // sklearn: |y_pred - y_true| / max(|y_true|, eps)
            sape += Math.abs(b.predicted[i] - y) / Math.max(Math.abs(y), ClassificationBatch.EPS);
        }
    }

    void merge(RegressionAcc o) {
        if (o.count == 0) {
            return;
        }
        if (count == 0) {
            mean = o.mean;
            m2 = o.m2;
        } else {
            m2 = Moments.mergedM2(count, mean, m2, o.count, o.mean, o.m2);
            mean = Moments.mergedMean(count, mean, o.count, o.mean);
        }
        count += o.count;
        sse += o.sse;
        sae += o.sae;
        sape += o.sape;
    }

    void clear() {
        count = 0;
        mean = m2 = sse = sae = sape = 0;
    }

    RegressionAcc copy() {
        RegressionAcc c = new RegressionAcc();
        c.merge(this);
        return c;
    }

    RegressionReport report() {
        if (count == 0) {
            return new RegressionReport(0, Double.NaN, Double.NaN, Double.NaN, Double.NaN);
        }
        double r2;
        if (count < 2) {
            r2 = Double.NaN;
        } else if (sse == 0) {
            r2 = 1.0;
        } else if (m2 == 0) {
            r2 = 0.0;
        } else {
            r2 = 1 - sse / m2;
        }
        return new RegressionReport(count, Math.sqrt(sse / count), sae / count, sape / count, r2);
    }
}
