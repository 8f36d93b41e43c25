package dev.vitals.drift;

import java.util.Arrays;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The registry of drift tests, by the names Evidently uses. A p-value test reports drift when
 * {@code score < threshold} (default 0.05); a distance reports drift when {@code score >= threshold} (default 0.1).
 *
 * <pre>{@code
 * StatTest psi = StatTest.byName("psi");   // unknown names fail, listing the valid ones
 * boolean drift = psi.drifted(0.23, psi.defaultThreshold());
 * }</pre>
 */
public enum StatTest {
    /** Two-sample Kolmogorov-Smirnov p-value, as SciPy's {@code ks_2samp(method="auto")}. */
    KS("ks", Kind.P_VALUE, FeatureType.NUMERIC),
    /** Chi-square p-value of current counts against reference shares × current total ({@code scipy.stats.chisquare}). */
    CHISQUARE("chisquare", Kind.P_VALUE, FeatureType.CATEGORICAL),
    /** Two-proportion pooled z-test p-value, for a feature with at most two values. */
    Z("z", Kind.P_VALUE, FeatureType.CATEGORICAL),
    /** Population stability index over the bins, empty-bin shares replaced. */
    PSI("psi", Kind.DISTANCE, FeatureType.NUMERIC, FeatureType.CATEGORICAL),
    /** Jensen-Shannon distance over the bins, natural logarithm (SciPy's default base): in [0, √ln 2 ≈ 0.833]. */
    JENSENSHANNON("jensenshannon", Kind.DISTANCE, FeatureType.NUMERIC, FeatureType.CATEGORICAL),
    /** Wasserstein-1 distance divided by max(reference population std, 0.001), as Evidently. */
    WASSERSTEIN("wasserstein", Kind.DISTANCE, FeatureType.NUMERIC),
    /** Hellinger distance over the bins, in [0, 1]. */
    HELLINGER("hellinger", Kind.DISTANCE, FeatureType.NUMERIC, FeatureType.CATEGORICAL),
    /** Kullback-Leibler divergence KL(reference ‖ current) over the bins, empty-bin shares replaced. */
    KL_DIV("kl_div", Kind.DISTANCE, FeatureType.NUMERIC, FeatureType.CATEGORICAL);

    /** How a score compares with its threshold. */
    public enum Kind {
        /** Drift when {@code score < threshold}. */
        P_VALUE,
        /** Drift when {@code score >= threshold}. */
        DISTANCE
    }

    /** Default threshold of the p-value tests. */
    public static final double DEFAULT_P_VALUE_THRESHOLD = 0.05;
    /** Default threshold of the distances. */
    public static final double DEFAULT_DISTANCE_THRESHOLD = 0.1;

    private static final List<String> NAMES = Arrays.stream(values()).map(StatTest::testName).sorted()
            .collect(Collectors.toUnmodifiableList());

    private final String name;
    private final Kind kind;
    private final Set<FeatureType> featureTypes;

    StatTest(String name, Kind kind, FeatureType first, FeatureType... rest) {
        this.name = name;
        this.kind = kind;
        this.featureTypes = Collections.unmodifiableSet(EnumSet.of(first, rest));
    }

    /** The test by name ({@code ks}, {@code psi}, ...). */
    public static StatTest byName(String name) {
        for (StatTest t : values()) {
            if (t.name.equals(name)) {
                return t;
            }
        }
        throw new IllegalArgumentException("unknown drift test \"" + name + "\"; valid tests: "
                + String.join(", ", NAMES));
    }

    /** All test names, sorted. */
    public static List<String> names() {
        return NAMES;
    }

    /** The test's name, as in {@link #byName} and in results. */
    public String testName() {
        return name;
    }

    /** Whether the score is a p-value or a distance. */
    public Kind kind() {
        return kind;
    }

    /**
     * The feature types a user may choose this test for. (The default rule also applies {@code chisquare} and
     * {@code z} to a numeric feature with at most 5 distinct values, treating each value as a category.)
     */
    public Set<FeatureType> featureTypes() {
        return featureTypes;
    }

    /** 0.05 for p-values, 0.1 for distances. */
    public double defaultThreshold() {
        return kind == Kind.P_VALUE ? DEFAULT_P_VALUE_THRESHOLD : DEFAULT_DISTANCE_THRESHOLD;
    }

    /** {@code score < threshold} for p-values, {@code score >= threshold} for distances. */
    public boolean drifted(double score, double threshold) {
        return kind == Kind.P_VALUE ? score < threshold : score >= threshold;
    }

    void checkAccepts(FeatureType type, String feature) {
        if (!featureTypes.contains(type)) {
            String accepted = featureTypes.stream().map(FeatureType::label).collect(Collectors.joining(" and "));
            throw new IllegalArgumentException("drift test \"" + name + "\" does not accept " + type.label()
                    + " feature \"" + feature + "\"; it accepts " + accepted + " features");
        }
    }
}
