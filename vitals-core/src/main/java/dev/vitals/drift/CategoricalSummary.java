package dev.vitals.drift;

/**
 * A point-in-time summary of a {@link CategoricalProfile}.
 *
 * @param count non-null values seen
 * @param nulls nulls seen
 * @param distinctEstimate estimated number of distinct values (CPC, relative standard error about 1.5%)
 * @param distinctLower lower bound on the distinct count at about 99.7% confidence (3 standard errors)
 * @param distinctUpper upper bound on the distinct count at about 99.7% confidence
 * @param exactCounts whether every value's count is exact (true while at most 768 distinct values were seen)
 */
public record CategoricalSummary(long count, long nulls, double distinctEstimate, double distinctLower,
                                 double distinctUpper, boolean exactCounts) {
}
