package dev.vitals.drift;

/**
 * Special functions for the p-values, accurate to about 1e-14 relative where the tests need them.
 * Written here rather than pulled from a maths library to keep vitals-core's dependencies small.
 */
final class Special {
    private static final double HALF_LOG_2PI = 0.5 * Math.log(2 * Math.PI);
    private static final double EPS = 1e-16;

    private Special() {
    }

    /** ln Γ(x) for x > 0: Stirling's series from x >= 10, shifted up by the recurrence below that. */
    static double lgamma(double x) {
        if (!(x > 0)) {
            throw new IllegalArgumentException("lgamma needs x > 0, got " + x);
        }
        double shift = 0;
        while (x < 10) {
            // Γ(x) = Γ(x + 1) / x; a product stays exact enough over at most ten steps.
            shift -= Math.log(x);
            x += 1;
        }
        double r = 1 / x;
        double r2 = r * r;
        double series = r * (1.0 / 12 - r2 * (1.0 / 360 - r2 * (1.0 / 1260 - r2 * (1.0 / 1680
                - r2 * (1.0 / 1188 - r2 * (691.0 / 360360 - r2 * (1.0 / 156 - r2 * 3617.0 / 122400)))))));
        return (x - 0.5) * Math.log(x) - x + HALF_LOG_2PI + series + shift;
    }

    /** Regularized upper incomplete gamma Q(a, x) = Γ(a, x) / Γ(a). */
    static double gammaQ(double a, double x) {
        if (x <= 0) {
            return 1;
        }
        if (Double.isInfinite(x)) {
            return 0;
        }
        if (x < a + 1) {
            return 1 - gammaPSeries(a, x);
        }
        return gammaQFraction(a, x);
    }

    /** Regularized lower incomplete gamma P(a, x) by its power series; for x < a + 1. */
    private static double gammaPSeries(double a, double x) {
        double term = 1 / a;
        double sum = term;
        for (int n = 1; n < 100_000; n++) {
            term *= x / (a + n);
            sum += term;
            if (Math.abs(term) < Math.abs(sum) * EPS) {
                break;
            }
        }
        return sum * Math.exp(-x + a * Math.log(x) - lgamma(a));
    }

    /** Q(a, x) by Legendre's continued fraction (modified Lentz); for x >= a + 1. */
    private static double gammaQFraction(double a, double x) {
        double tiny = 1e-300;
        double b = x + 1 - a;
        double c = 1 / tiny;
        double d = 1 / b;
        double h = d;
        for (int i = 1; i < 100_000; i++) {
            double an = -i * (i - a);
            b += 2;
            d = an * d + b;
            if (Math.abs(d) < tiny) {
                d = tiny;
            }
            c = b + an / c;
            if (Math.abs(c) < tiny) {
                c = tiny;
            }
            d = 1 / d;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < EPS) {
                break;
            }
        }
        return Math.exp(-x + a * Math.log(x) - lgamma(a)) * h;
    }

    /** Survival function of the chi-square distribution with {@code df} degrees of freedom. */
    static double chi2Sf(double x, int df) {
        if (Double.isNaN(x)) {
            return Double.NaN;
        }
        return gammaQ(df / 2.0, x / 2);
    }

    /** erfc(x) for x >= 0, through erfc(x) = Q(1/2, x²). */
    static double erfc(double x) {
        if (x < 0) {
            return 2 - erfc(-x);
        }
        return gammaQ(0.5, x * x);
    }

    /** Two-sided normal p-value 2 (1 - Φ(|z|)) = erfc(|z| / √2). */
    static double twoSidedNormalP(double z) {
        return erfc(Math.abs(z) / Math.sqrt(2));
    }
}
