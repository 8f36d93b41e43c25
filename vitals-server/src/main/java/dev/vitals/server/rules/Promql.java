package dev.vitals.server.rules;

import java.math.BigDecimal;

/** Small helpers to write PromQL and numbers in it deterministically. */
final class Promql {
    private Promql() {
    }

    /** A number as its shortest plain decimal: 0.999, 14.4, 5, 1000 (never 1E+3 or 5.0). */
    static String num(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return Long.toString((long) v);
        }
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }

    /** {@code 1 - target}, exactly: 0.999 gives 0.001 rather than 0.0010000000000000009. */
    static String budget(double target) {
        return BigDecimal.ONE.subtract(BigDecimal.valueOf(target)).stripTrailingZeros().toPlainString();
    }

    /** {@code target} as a percentage: 0.999 gives 99.9. */
    static String percent(double target) {
        return BigDecimal.valueOf(target).movePointRight(2).stripTrailingZeros().toPlainString();
    }

    /** The error budget as a percentage: 0.999 gives 0.1. */
    static String budgetPercent(double target) {
        return BigDecimal.ONE.subtract(BigDecimal.valueOf(target)).movePointRight(2).stripTrailingZeros().toPlainString();
    }

    /**
     * A matcher of the {@code le} label of one bucket bound that works whichever way the bound is
     * written: client_java writes {@code le="5.0"}, Prometheus 3 normalizes it to {@code le="5"}.
     */
    static String le(double bound) {
        String n = num(bound);
        return n.contains(".") ? "le=\"" + n + "\"" : "le=~\"" + n + "(\\\\.0)?\"";
    }
}
