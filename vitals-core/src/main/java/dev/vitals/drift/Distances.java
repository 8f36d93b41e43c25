package dev.vitals.drift;

/**
 * The binned distances on share vectors (reference {@code r}, current {@code c}), and their intervals when each
 * share is only known to lie in a box.
 */
final class Distances {
    /** Evidently's replacement share for an empty bin, unless the smallest non-empty share is smaller. */
    static final double FILL = 0.0001;

    private Distances() {
    }

    /**
     * Evidently's rule: empty-bin shares become {@code m / 10^6} when the smallest non-empty share {@code m} is
     * at most 0.0001, else 0.0001.
     */
    static double[] fillZeroes(double[] p) {
        double m = Double.POSITIVE_INFINITY;
        for (double v : p) {
            if (v != 0 && v < m) {
                m = v;
            }
        }
        double fill = m <= FILL ? m / 1e6 : FILL;
        double[] out = p.clone();
        for (int i = 0; i < out.length; i++) {
            if (out[i] == 0) {
                out[i] = fill;
            }
        }
        return out;
    }

    static double psi(double[] r, double[] c) {
        double[] a = fillZeroes(r);
        double[] b = fillZeroes(c);
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += (a[i] - b[i]) * Math.log(a[i] / b[i]);
        }
        return s;
    }

    /** {@code scipy.stats.entropy(fill(r), fill(c))}: both renormalized to sum 1 after filling. */
    static double klDiv(double[] r, double[] c) {
        double[] a = normalize(fillZeroes(r));
        double[] b = normalize(fillZeroes(c));
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * Math.log(a[i] / b[i]);
        }
        return s;
    }

    /** {@code scipy.spatial.distance.jensenshannon(r, c)}, natural log. */
    static double jensenShannon(double[] r, double[] c) {
        double[] p = normalize(r);
        double[] q = normalize(c);
        double left = 0;
        double right = 0;
        for (int i = 0; i < p.length; i++) {
            double m = (p[i] + q[i]) / 2.0;
            left += relEntr(p[i], m);
            right += relEntr(q[i], m);
        }
        return Math.sqrt((left + right) / 2.0);
    }

    static double hellinger(double[] r, double[] c) {
        double s = 0;
        for (int i = 0; i < r.length; i++) {
            double d = Math.sqrt(r[i]) - Math.sqrt(c[i]);
            s += d * d;
        }
        return Math.sqrt(0.5 * s);
    }

    private static double relEntr(double x, double y) {
        return x > 0 ? x * Math.log(x / y) : 0;
    }

    private static double[] normalize(double[] p) {
        double s = 0;
        for (double v : p) {
            s += v;
        }
        double[] out = new double[p.length];
        for (int i = 0; i < p.length; i++) {
            out[i] = p[i] / s;
        }
        return out;
    }

    static double value(StatTest test, double[] r, double[] c) {
        return switch (test) {
            case PSI -> psi(r, c);
            case KL_DIV -> klDiv(r, c);
            case JENSENSHANNON -> jensenShannon(r, c);
            case HELLINGER -> hellinger(r, c);
            default -> throw new IllegalStateException(test + " is not a binned distance");
        };
    }

    /**
     * Bounds on the distance when each true share lies in its box ({@code rLo[i] <= r_i <= rHi[i]}, same for c).
     * Each distance is a sum of per-bin terms g(a, b) that are jointly convex, non-negative and zero on a = b (for
     * KL in the form a ln(a/b) - a + b, equal in sum since both sides sum to 1), so a term's maximum over its box
     * is at a corner and its minimum is 0 when the box meets the diagonal, else at the corner nearest to it.
     * For psi and kl_div a share that may be 0 may have been replaced by the fill, anywhere in
     * [1 / (n 10^6), 0.0001], and kl_div's renormalization can shrink a share by 1 / (1 + bins × 0.0001).
     */
    static double[] interval(StatTest test, double[] rLo, double[] rHi, double[] cLo, double[] cHi, long nR,
                             long nC) {
        int bins = rLo.length;
        boolean filled = test == StatTest.PSI || test == StatTest.KL_DIV;
        double shrink = test == StatTest.KL_DIV ? 1 + bins * FILL : 1;
        double lowSum = 0;
        double highSum = 0;
        for (int i = 0; i < bins; i++) {
            double a0 = rLo[i];
            double a1 = rHi[i];
            double b0 = cLo[i];
            double b1 = cHi[i];
            if (filled) {
                if (a0 == 0) {
                    a0 = 1.0 / (nR * 1e6);
                    a1 = Math.max(a1, FILL);
                }
                if (b0 == 0) {
                    b0 = 1.0 / (nC * 1e6);
                    b1 = Math.max(b1, FILL);
                }
                a0 /= shrink;
                b0 /= shrink;
            }
            double hi = Math.max(Math.max(term(test, a0, b0), term(test, a0, b1)),
                    Math.max(term(test, a1, b0), term(test, a1, b1)));
            double lo;
            if (a0 > b1) {
                lo = term(test, a0, b1);
            } else if (a1 < b0) {
                lo = term(test, a1, b0);
            } else {
                lo = 0;
            }
            lowSum += lo;
            highSum += hi;
        }
        return switch (test) {
            case JENSENSHANNON, HELLINGER -> new double[] {Math.sqrt(lowSum / 2), Math.sqrt(highSum / 2)};
            default -> new double[] {lowSum, highSum};
        };
    }

    private static double term(StatTest test, double a, double b) {
        return switch (test) {
            case PSI -> (a - b) * Math.log(a / b);
            case KL_DIV -> a * Math.log(a / b) - a + b;
            case JENSENSHANNON -> {
                double m = (a + b) / 2;
                yield (a > 0 ? a * Math.log(a / m) : 0) + (b > 0 ? b * Math.log(b / m) : 0);
            }
            case HELLINGER -> {
                double d = Math.sqrt(a) - Math.sqrt(b);
                yield d * d;
            }
            default -> throw new IllegalStateException(test + " is not a binned distance");
        };
    }
}
