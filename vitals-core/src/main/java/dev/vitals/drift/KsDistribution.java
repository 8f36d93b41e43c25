package dev.vitals.drift;

/**
 * P-values of the two-sample Kolmogorov-Smirnov test, following SciPy 1.10's {@code ks_2samp(method="auto")}:
 * the exact distribution when both samples have at most 10,000 values, else {@code kstwo.sf(d, round(m n / (m + n)))},
 * the one-sample Kolmogorov distribution at the effective size. The one-sample distribution follows Simard and
 * L'Ecuyer's choice of method per region, as SciPy's {@code _kolmogn} does, because some of those regions use
 * approximations (Pelz-Good; Miller's 2 × Smirnov) whose values we must reproduce, not improve on.
 */
final class KsDistribution {
    /** {@code ks_2samp} computes the exact distribution up to this many values per sample. */
    static final int MAX_EXACT_N = 10_000;
    private static final double MIN_LOG = -708.3964185322641;
    private static final double TWO_POW_128 = 0x1p128;
    private static final double TWO_POW_M128 = 0x1p-128;
    private static final double LOG_2PI = Math.log(2 * Math.PI);
    private static final double SQRT_2PI = Math.sqrt(2 * Math.PI);
    private static final double PI2 = Math.PI * Math.PI;
    private static final double PI4 = PI2 * PI2;
    private static final double PI6 = PI4 * PI2;
    private static final double SQRT3 = Math.sqrt(3);
    private static final long SMIRNOV_MAX_COMPUTE_N = 1_000_000;
    private static final double DBL_EPSILON = Math.ulp(1.0);

    private KsDistribution() {
    }

    /**
     * Two-sided p-value for a two-sample statistic {@code d} with sample sizes {@code n1}, {@code n2}.
     * {@link #exactStatistic} gives the statistic SciPy reports (rounded to the lattice of the exact method).
     */
    static double twoSampleP(double d, long n1, long n2) {
        if (Math.max(n1, n2) <= MAX_EXACT_N) {
            double p = exactTwoSample((int) n1, (int) n2, d);
            if (!Double.isNaN(p)) {
                return clip(p);
            }
        }
        double m = Math.max(n1, n2);
        double n = Math.min(n1, n2);
        double en = m * n / (m + n);
        return clip(kolmogorovSf(Math.rint(en), d));
    }

    /** The statistic as {@code ks_2samp} reports it: rounded to a multiple of 1/lcm(n1, n2) in exact mode. */
    static double exactStatistic(double d, long n1, long n2) {
        if (Math.max(n1, n2) > MAX_EXACT_N) {
            return d;
        }
        long g = gcd(n1, n2);
        long lcm = (n1 / g) * n2;
        long h = (long) Math.rint(d * lcm);
        return h * 1.0 / lcm;
    }

    /** Exact two-sided p, or NaN where SciPy would fall back to the asymptotic distribution. */
    static double exactTwoSample(int n1, int n2, double d) {
        long g = gcd(n1, n2);
        long lcm = (n1 / g) * n2;
        long h = (long) Math.rint(d * lcm);
        if (h == 0) {
            return 1.0;
        }
        double p = n1 == n2 ? probOutsideSquare(n1, (int) h) : outerProbInside(n1, n2, (int) g, h);
        return p >= 0 && p <= 1 ? p : Double.NaN;
    }

    /** Pr(D_{n,n} >= h/n): an alternating sum of binomial ratios in Horner form (no cancellation). */
    static double probOutsideSquare(int n, int h) {
        double p = 0.0;
        int k = n / h;
        while (k >= 0) {
            double p1 = 1.0;
            for (int j = 0; j < h; j++) {
                p1 = (n - (double) k * h - j) * p1 / (n + (double) k * h + j + 1);
            }
            p = p1 * (1.0 - p);
            k--;
        }
        return 2 * p;
    }

    /**
     * Share of lattice paths from (0,0) to (m,n) that leave the band |x/m - y/n| < h/lcm(m,n): Hodges' inside
     * method, with the recursion carried on 1 - p (Viehmann 2021) on one sliding column.
     */
    static double outerProbInside(int m, int n, int g, long h) {
        if (m < n) {
            int t = m;
            m = n;
            n = t;
        }
        long mg = m / g;
        long ng = n / g;
        int minj = 0;
        int maxj = (int) Math.min((long) Math.ceil((double) h / mg), n + 1L);
        int curlen = maxj - minj;
        int lenA = Math.min(2 * maxj + 2, n + 1);
        double[] a = new double[lenA];
        java.util.Arrays.fill(a, 1.0);
        for (int j = minj; j < maxj; j++) {
            a[j] = 0.0;
        }
        for (int i = 1; i <= m; i++) {
            int lastminj = minj;
            int lastlen = curlen;
            minj = (int) Math.max((long) Math.floor((double) (ng * i - h) / mg) + 1, 0);
            minj = Math.min(minj, n);
            maxj = (int) Math.min((long) Math.ceil((double) (ng * i + h) / mg), n + 1L);
            if (maxj <= minj) {
                return 1.0;
            }
            double val = minj == 0 ? 0.0 : 1.0;
            for (int jj = 0; jj < maxj - minj; jj++) {
                int j = jj + minj;
                val = (a[jj + minj - lastminj] * i + val * j) / (i + j);
                a[jj] = val;
            }
            curlen = maxj - minj;
            if (lastlen > curlen) {
                java.util.Arrays.fill(a, maxj - minj, maxj - minj + (lastlen - curlen), 1.0);
            }
        }
        return a[maxj - minj - 1];
    }

    /** Pr(D_n >= x) for the one-sample two-sided statistic: SciPy's {@code kstwo.sf(x, n)}. */
    static double kolmogorovSf(double nd, double x) {
        if (Double.isNaN(nd) || nd <= 0 || nd != Math.rint(nd) || Double.isNaN(x)) {
            return Double.NaN;
        }
        long n = (long) nd;
        if (x >= 1.0) {
            return 0.0;
        }
        if (x <= 0.0) {
            return 1.0;
        }
        double t = n * x;
        if (t <= 1.0) { // Ruben-Gambino: 1/2n <= x <= 1/n
            if (t <= 0.5) {
                return 1.0;
            }
            double prob;
            if (n <= 140) {
                prob = 1.0;
                for (int i = 1; i <= n; i++) {
                    prob *= i * (1.0 / n) * (2 * t - 1);
                }
            } else {
                prob = Math.exp(logNFactorialDivNPowN(n) + n * Math.log(2 * t - 1));
            }
            return clip(1.0 - prob);
        }
        if (t >= n - 1) { // Ruben-Gambino
            return clip(2 * Math.pow(1.0 - x, n));
        }
        if (x >= 0.5) {
            return clip(2 * smirnovSf(n, x));
        }
        double nxSquared = t * x;
        if (n <= 140) {
            if (nxSquared <= 4) {
                // SciPy uses Durbin's matrix below 0.754693 and Pomeranz's recursion above; both are exact,
                // so the matrix serves for the whole range.
                return clip(1.0 - durbinMatrixCdf(n, x));
            }
            return clip(2 * smirnovSf(n, x));
        }
        if (nxSquared >= 370.0) {
            return 0.0;
        }
        if (nxSquared >= 2.2) {
            return clip(2 * smirnovSf(n, x));
        }
        double cdf;
        if (n <= 100_000 && n * Math.pow(x, 1.5) <= 1.4) {
            cdf = durbinMatrixCdf(n, x);
        } else {
            cdf = pelzGoodCdf(n, x);
        }
        return clip(1.0 - cdf);
    }

    private static double logNFactorialDivNPowN(double n) {
        double rn = 1.0 / n;
        double[] c = {-2.955065359477124183e-2, 6.4102564102564102564e-3, -1.9175269175269175269e-3,
                8.4175084175084175084e-4, -5.952380952380952381e-4, 7.9365079365079365079e-4,
                -2.7777777777777777778e-3, 8.3333333333333333333e-2};
        double y = rn / n;
        double poly = 0;
        for (double ci : c) {
            poly = poly * y + ci;
        }
        return Math.log(n) / 2 - n + LOG_2PI / 2 + rn * poly;
    }

    /** Pr(D_n <= d) by Durbin's matrix (Marsaglia, Tsang, Wang 2003), scaled by 2^128 to stay in range. */
    static double durbinMatrixCdf(long n, double d) {
        double nd = n * d;
        if (nd <= 0.5) {
            return 0.0;
        }
        int k = (int) Math.ceil(nd);
        double h = k - nd;
        int m = 2 * k - 1;
        double[] v = new double[m];
        double[] w = new double[m];
        double fac = 1.0;
        for (int j = 1; j <= m; j++) {
            w[j - 1] = fac;
            fac /= j;
            v[j - 1] = (1.0 - Math.pow(h, j)) * fac;
        }
        double tt = Math.pow(Math.max(2 * h - 1.0, 0), m) - 2 * Math.pow(h, m);
        v[m - 1] = (1.0 + tt) * fac;
        double[][] hm = new double[m][m];
        for (int i = 1; i < m; i++) {
            for (int r = i - 1; r < m; r++) {
                hm[r][i] = w[r - (i - 1)];
            }
        }
        for (int r = 0; r < m; r++) {
            hm[r][0] = v[r];
        }
        for (int c = 0; c < m; c++) {
            hm[m - 1][c] = v[m - 1 - c];
        }
        double[][] pwr = new double[m][m];
        for (int i = 0; i < m; i++) {
            pwr[i][i] = 1.0;
        }
        long nn = n;
        int expnt = 0;
        int hExpnt = 0;
        while (nn > 0) {
            if (nn % 2 == 1) {
                pwr = multiply(pwr, hm);
                expnt += hExpnt;
            }
            hm = multiply(hm, hm);
            hExpnt *= 2;
            if (Math.abs(hm[k - 1][k - 1]) > TWO_POW_128) {
                for (double[] row : hm) {
                    for (int c = 0; c < m; c++) {
                        row[c] /= TWO_POW_128;
                    }
                }
                hExpnt += 128;
            }
            nn /= 2;
        }
        double p = pwr[k - 1][k - 1];
        for (long i = 1; i <= n; i++) {
            p = i * p / n;
            if (Math.abs(p) < TWO_POW_M128) {
                p *= TWO_POW_128;
                expnt -= 128;
            }
        }
        if (expnt != 0) {
            p = Math.scalb(p, expnt);
        }
        return clip(p);
    }

    private static double[][] multiply(double[][] a, double[][] b) {
        int m = a.length;
        double[][] c = new double[m][m];
        for (int i = 0; i < m; i++) {
            double[] ci = c[i];
            double[] ai = a[i];
            for (int k = 0; k < m; k++) {
                double aik = ai[k];
                if (aik == 0) {
                    continue;
                }
                double[] bk = b[k];
                for (int j = 0; j < m; j++) {
                    ci[j] += aik * bk[j];
                }
            }
        }
        return c;
    }

    /** Pelz-Good asymptotic Pr(D_n <= x) (an approximation SciPy uses for large n, reproduced as is). */
    static double pelzGoodCdf(double n, double x) {
        if (x <= 0.0) {
            return 0.0;
        }
        if (x >= 1.0) {
            return 1.0;
        }
        double z = Math.sqrt(n) * x;
        double z2 = z * z;
        double z3 = z2 * z;
        double z4 = z2 * z2;
        double z6 = z4 * z2;
        double qlog = -PI2 / 8 / z2;
        if (qlog < -708) {
            return 0.0;
        }
        double q = Math.exp(qlog);
        double k1a = -z2;
        double k1b = PI2 / 4;
        double k2a = 6 * z6 + 2 * z4;
        double k2b = (2 * z4 - 5 * z2) * PI2 / 4;
        double k2c = PI4 * (1 - 2 * z2) / 16;
        double k3d = PI6 * (5 - 30 * z2) / 64;
        double k3c = PI4 * (-60 * z2 + 212 * z4) / 16;
        double k3b = PI2 * (135 * z4 - 96 * z6) / 4;
        double k3a = -30 * z6 - 90 * Math.pow(z, 8);
        double[] kk = new double[4];
        int maxk = (int) Math.ceil(16 * z / Math.PI);
        for (int k = maxk; k > 0; k--) {
            double mm = 2 * k - 1;
            double m2 = mm * mm;
            double m4 = m2 * m2;
            double m6 = m4 * m2;
            double qpower = Math.pow(q, 8 * k);
            double[] coeffs = {1.0, k1a + k1b * m2, k2a + k2b * m2 + k2c * m4, k3a + k3b * m2 + k3c * m4 + k3d * m6};
            for (int i = 0; i < 4; i++) {
                kk[i] = kk[i] * qpower + coeffs[i];
            }
        }
        double[] div = {z, 6 * z4, 72 * Math.pow(z, 7), 6480 * Math.pow(z, 10)};
        for (int i = 0; i < 4; i++) {
            kk[i] = kk[i] * q * SQRT_2PI / div[i];
        }
        double q2 = Math.exp(-PI2 / 2 / z2);
        double k2extra = 0;
        double k3extra = 0;
        double sqrt3z = SQRT3 * z;
        for (int k = maxk; k > 0; k--) {
            double ksq = (double) k * k;
            double qp = Math.pow(q2, ksq);
            double kspi = Math.PI * k;
            k2extra += ksq * qp;
            k3extra += (sqrt3z + kspi) * (sqrt3z - kspi) * ksq * qp;
        }
        kk[2] += k2extra * (PI2 * SQRT_2PI / (-36 * z3));
        kk[3] += k3extra * (PI2 * SQRT_2PI / (216 * z6));
        double sum = 0;
        for (int i = 0; i < 4; i++) {
            sum += kk[i] / Math.pow(n, i / 2.0);
        }
        return sum;
    }

    /**
     * Smirnov's one-sided Pr(D+_n >= x), exact by the Birnbaum-Tingey sum with each term a binomial probability
     * computed by Loader's saddle-point method; beyond n = 1,000,000 the approximation exp(-(6nx+1)²/18n) as SciPy.
     */
    static double smirnovSf(long n, double x) {
        if (!(n > 0 && x >= 0.0 && x <= 1.0)) {
            return Double.NaN;
        }
        if (n == 1) {
            return 1 - x;
        }
        if (x == 0.0) {
            return 1.0;
        }
        if (x == 1.0) {
            return 0.0;
        }
        // floor(n x) and its fractional part, exactly: the fma gives the rounding error of n * x.
        double nx = n * x;
        double err = Math.fma(n, x, -nx);
        long nxfl = (long) Math.floor(nx);
        double alpha = (nx - nxfl) + err;
        if (alpha < 0) {
            nxfl -= 1;
            alpha += 1;
        }
        if (alpha >= 1) {
            nxfl += 1;
            alpha = 0;
        }
        if (nxfl == 0 || (nxfl == 1 && alpha == 0)) {
            return clip(1 - x * Math.pow(1 + x, n - 1));
        }
        if (-2 * n * x * x < MIN_LOG) {
            return 0.0;
        }
        if (nxfl >= n - 1) {
            return clip(Math.pow(1 - x, n));
        }
        if (n > SMIRNOV_MAX_COMPUTE_N) {
            return clip(Math.exp(-Math.pow(6 * n * x + 1.0, 2) / 18.0 / n));
        }
        long last = n - nxfl - (alpha == 0 ? 0 : 1);
        if (alpha == 0) {
            last -= 1;
        }
        double sum = 0;
        long terms = last + 1;
        for (long v = 0; v <= last; v++) {
            double p = Math.fma(x, n, v) / n;
            double q = Math.fma(-x, n, (double) (n - v)) / n;
            if (q <= 0) {
                break;
            }
            double term = binomialPmf(v, n, p, q) / p;
            sum += term;
            // Terms past the peak only shrink; stop once the rest cannot reach the last bit (as SciPy does).
            if (term > 0 && 4.0 * (terms - v) * term < DBL_EPSILON * sum && v != last) {
                break;
            }
        }
        return clip(x * sum);
    }

    /** Binomial probability C(n,k) p^k q^(n-k), relative error ~1e-15 for any n (Loader 2000). */
    static double binomialPmf(long k, long n, double p, double q) {
        if (p == 0) {
            return k == 0 ? 1 : 0;
        }
        if (q == 0) {
            return k == n ? 1 : 0;
        }
        if (k == 0) {
            double lc = p < 0.1 ? -deviance(n, n * q) - n * p : n * Math.log(q);
            return Math.exp(lc);
        }
        if (k == n) {
            double lc = q < 0.1 ? -deviance(n, n * p) - n * q : n * Math.log(p);
            return Math.exp(lc);
        }
        double lc = stirlingError(n) - stirlingError(k) - stirlingError(n - k)
                - deviance(k, n * p) - deviance(n - k, n * q);
        double lf = LOG_2PI + Math.log(k) + Math.log1p(-(double) k / n);
        return Math.exp(lc - 0.5 * lf);
    }

    /** ln(n!) - ((n + 1/2) ln n - n + ln √(2π)) for integer n >= 1. */
    static double stirlingError(long n) {
        if (n <= 15) {
            double logFact = 0;
            for (int i = 2; i <= n; i++) {
                logFact += Math.log(i);
            }
            return logFact - ((n + 0.5) * Math.log(n) - n + LOG_2PI / 2);
        }
        double nn = (double) n * n;
        double s0 = 1.0 / 12;
        double s1 = 1.0 / 360;
        double s2 = 1.0 / 1260;
        double s3 = 1.0 / 1680;
        double s4 = 1.0 / 1188;
        if (n > 500) {
            return (s0 - s1 / nn) / n;
        }
        if (n > 80) {
            return (s0 - (s1 - s2 / nn) / nn) / n;
        }
        if (n > 35) {
            return (s0 - (s1 - (s2 - s3 / nn) / nn) / nn) / n;
        }
        return (s0 - (s1 - (s2 - (s3 - s4 / nn) / nn) / nn) / nn) / n;
    }

    /** x ln(x / m) + m - x without cancellation when x is close to m. */
    static double deviance(double x, double m) {
        if (Math.abs(x - m) < 0.1 * (x + m)) {
            double v = (x - m) / (x + m);
            double s = (x - m) * v;
            double ej = 2 * x * v;
            v = v * v;
            for (int j = 1; j < 1000; j++) {
                ej *= v;
                double s1 = s + ej / (2 * j + 1);
                if (s1 == s) {
                    return s1;
                }
                s = s1;
            }
        }
        return x * Math.log(x / m) + m - x;
    }

    static long gcd(long a, long b) {
        while (b != 0) {
            long t = a % b;
            a = b;
            b = t;
        }
        return a;
    }

    private static double clip(double p) {
        return p < 0 ? 0 : (p > 1 ? 1 : p);
    }
}
