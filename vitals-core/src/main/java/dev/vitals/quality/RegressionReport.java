package dev.vitals.quality;

/**
 * Regression metrics with scikit-learn's definitions ({@code NaN} when there are no rows).
 *
 * @param count rows
 * @param rmse {@code mean_squared_error(squared=False)}
 * @param mae {@code mean_absolute_error}
 * @param mape {@code mean_absolute_percentage_error}: mean of |actual - predicted| / max(|actual|, 2.22e-16),
 *        so a zero actual with a wrong prediction gives a huge value (about 4.5e15 per unit of error), as in sklearn
 * @param r2 {@code r2_score} with {@code force_finite=True}: {@code NaN} with fewer than 2 rows; 1.0 when
 *        every prediction is exact; 0.0 when the actuals are constant and some prediction is not. The
 *        spread of the actuals is kept with Welford's update, which is exactly 0 for constant actuals;
 *        sklearn's two-pass mean can leave a rounding residue there (e.g. three actuals of 0.1) and then
 *        returns a large negative number instead of 0.0
 */
public record RegressionReport(long count, double rmse, double mae, double mape, double r2) {
}
