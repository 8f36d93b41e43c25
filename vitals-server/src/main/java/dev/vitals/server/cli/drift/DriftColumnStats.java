package dev.vitals.server.cli.drift;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;

/**
 * The drift report's per-column statistics of both files, and its round axis ticks. Numbers: count,
 * share of nulls, mean, standard deviation (n − 1, as pandas), min, 5/25/50/75/95% quantiles (linear
 * interpolation, as numpy's default) and max. Categories: distinct values, the most common one, and the
 * categories new in the current file or missing from it, flagged.
 */
final class DriftColumnStats {
    private DriftColumnStats() {
    }

    /** Summary of one file's finite values of a numeric column; {@code nulls} as counted by the reader. */
    record Numeric(long count, long nulls, double mean, double sd, double min, double[] quantiles, double max) {
        static final double[] PROBS = {0.05, 0.25, 0.5, 0.75, 0.95};

        static Numeric of(double[] values, long nulls) {
            double[] v = Arrays.stream(values).filter(Double::isFinite).toArray();
            Arrays.sort(v);
            int n = v.length;
            double mean = Double.NaN;
            double sd = Double.NaN;
            if (n > 0) {
                double sum = 0;
                for (double x : v) {
                    sum += x;
                }
                mean = sum / n;
                if (n > 1) {
                    double ss = 0;
                    for (double x : v) {
                        ss += (x - mean) * (x - mean);
                    }
                    sd = Math.sqrt(ss / (n - 1));
                }
            }
            double[] q = new double[PROBS.length];
            for (int i = 0; i < q.length; i++) {
                q[i] = quantile(v, PROBS[i]);
            }
            return new Numeric(n, nulls, mean, sd, n == 0 ? Double.NaN : v[0], q, n == 0 ? Double.NaN : v[n - 1]);
        }
    }

    /** numpy's default ("linear") quantile of sorted values; NaN when empty. */
    static double quantile(double[] sorted, double p) {
        int n = sorted.length;
        if (n == 0) {
            return Double.NaN;
        }
        double h = (n - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(n - 1, lo + 1);
        return sorted[lo] + (h - lo) * (sorted[hi] - sorted[lo]);
    }

    /** The table of a numeric column: one row per file. */
    static void numericTable(StringBuilder h, double[] ref, long refNulls, double[] cur, long curNulls) {
        Numeric r = Numeric.of(ref, refNulls);
        Numeric c = Numeric.of(cur, curNulls);
        h.append("<div class=\"scroll\"><table class=\"stats\">\n<thead><tr><th></th><th class=\"num\">Values</th>")
                .append("<th class=\"num\">Nulls</th><th class=\"num\">Mean</th><th class=\"num\">SD</th><th class=\"num\">Min</th>");
        for (double p : Numeric.PROBS) {
            h.append("<th class=\"num\">").append(p == 0.5 ? "Median" : "P" + Math.round(p * 100)).append("</th>");
        }
        h.append("<th class=\"num\">Max</th></tr></thead>\n<tbody>\n");
        row(h, "Reference", r);
        row(h, "Current", c);
        h.append("</tbody>\n</table></div>\n");
    }

    private static void row(StringBuilder h, String name, Numeric s) {
        long all = s.count() + s.nulls();
        h.append("<tr><th scope=\"row\">").append(name).append("</th><td class=\"num\">").append(DriftOutput.count(s.count()))
                .append("</td><td class=\"num\">").append(all == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * s.nulls() / all))
                .append("</td>");
        cell(h, s.mean());
        cell(h, s.sd());
        cell(h, s.min());
        for (double q : s.quantiles()) {
            cell(h, q);
        }
        cell(h, s.max());
        h.append("</tr>\n");
    }

    private static void cell(StringBuilder h, double v) {
        h.append("<td class=\"num\">").append(Double.isNaN(v) ? "-" : DriftHtmlReport.esc(short4(v))).append("</td>");
    }

    /** Four significant digits, no trailing zeros: a statistic, not a measurement to the last bit. */
    static String short4(double v) {
        return DriftOutput.formatNumber(v, 4);
    }

    /** The table of a categorical column: counts, nulls, distinct, top category; new and missing categories flagged. */
    static void categoricalTable(StringBuilder h, String[] ref, long refNulls, String[] cur, long curNulls) {
        Map<String, Long> r = tally(ref);
        Map<String, Long> c = tally(cur);
        TreeSet<String> added = new TreeSet<>(c.keySet());
        added.removeAll(r.keySet());
        TreeSet<String> missing = new TreeSet<>(r.keySet());
        missing.removeAll(c.keySet());
        h.append("<div class=\"scroll\"><table class=\"stats\">\n<thead><tr><th></th><th class=\"num\">Values</th>")
                .append("<th class=\"num\">Nulls</th><th class=\"num\">Categories</th><th>Most common</th></tr></thead>\n<tbody>\n");
        catRow(h, "Reference", r, refNulls);
        catRow(h, "Current", c, curNulls);
        h.append("</tbody>\n</table></div>\n");
        if (!added.isEmpty()) {
            h.append("<p class=\"flag new\"><b>New in current:</b> ").append(list(added, c)).append("</p>\n");
        }
        if (!missing.isEmpty()) {
            h.append("<p class=\"flag missing\"><b>Missing from current:</b> ").append(list(missing, r)).append("</p>\n");
        }
    }

    private static void catRow(StringBuilder h, String name, Map<String, Long> m, long nulls) {
        long n = m.values().stream().mapToLong(Long::longValue).sum();
        String top = m.entrySet().stream().max(Map.Entry.comparingByValue()).map(e -> e.getKey() + " ("
                + String.format(Locale.ROOT, "%.1f%%", 100.0 * e.getValue() / Math.max(1, n)) + ")").orElse("-");
        h.append("<tr><th scope=\"row\">").append(name).append("</th><td class=\"num\">").append(DriftOutput.count(n))
                .append("</td><td class=\"num\">").append(n + nulls == 0 ? "-" : String.format(Locale.ROOT, "%.1f%%", 100.0 * nulls / (n + nulls)))
                .append("</td><td class=\"num\">").append(DriftOutput.count(m.size())).append("</td><td>")
                .append(DriftHtmlReport.esc(top)).append("</td></tr>\n");
    }

    private static String list(TreeSet<String> names, Map<String, Long> counts) {
        List<String> out = new ArrayList<>();
        for (String s : names) {
            if (out.size() == 20) {
                out.add("and " + (names.size() - 20) + " more");
                break;
            }
            out.add("<code>" + DriftHtmlReport.esc(s) + "</code> (" + DriftOutput.count(counts.get(s)) + ")");
        }
        return String.join(", ", out);
    }

    private static Map<String, Long> tally(String[] values) {
        Map<String, Long> m = new LinkedHashMap<>();
        if (values != null) {
            for (String v : values) {
                if (v != null) {
                    m.merge(v, 1L, Long::sum);
                }
            }
        }
        return m;
    }

    /**
     * Round tick values inside [lo, hi]: multiples of 1, 2 or 5 × 10^k, about {@code target} of them
     * (343.8 and 683.9 become 400 and 600).
     */
    static double[] niceTicks(double lo, double hi, int target) {
        if (!(hi > lo) || !Double.isFinite(lo) || !Double.isFinite(hi)) {
            return new double[] {lo};
        }
        double raw = (hi - lo) / Math.max(1, target);
        double mag = Math.pow(10, Math.floor(Math.log10(raw)));
        // the smallest of 1, 2, 5, 10 (x mag) at least the raw step: never more than target + 1 labels
        double r = raw / mag;
        double step = mag * (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10);
        List<Double> ticks = new ArrayList<>();
        for (double t = Math.ceil(lo / step) * step; t <= hi + step * 1e-9; t += step) {
            // rounded to the step's decimals so that 0.1 + 0.2 prints as 0.3
            int decimals = Math.max(0, -(int) Math.floor(Math.log10(step)));
            ticks.add(new java.math.BigDecimal(t).setScale(decimals, java.math.RoundingMode.HALF_UP).doubleValue());
        }
        return ticks.stream().mapToDouble(Double::doubleValue).toArray();
    }
}
