package dev.vitals.server.cli.drift;

import static dev.vitals.server.cli.drift.DriftHtmlReport.CUR_COLOR;
import static dev.vitals.server.cli.drift.DriftHtmlReport.DEFAULT_BINS;
import static dev.vitals.server.cli.drift.DriftHtmlReport.REF_COLOR;
import static dev.vitals.server.cli.drift.DriftHtmlReport.TOP_VALUES;
import static dev.vitals.server.cli.drift.DriftHtmlReport.W;
import static dev.vitals.server.cli.drift.DriftHtmlReport.esc;

import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.FeatureType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import dev.vitals.server.cli.drift.DriftHtmlReport.ColumnData;
import dev.vitals.server.cli.drift.DriftHtmlReport.NumericStats;

/** The inline SVG charts of the drift report: a histogram per numeric column, bars per categorical one. */
final class DriftCharts {
    private DriftCharts() {
    }

    static void histogram(StringBuilder h, int id, FeatureDrift f, ColumnData d) {
        NumericStats s = d.stats();
        double lo = Math.min(s.refCount() > 0 ? s.refMin() : Double.POSITIVE_INFINITY,
                s.curCount() > 0 ? s.curMin() : Double.POSITIVE_INFINITY);
        double hi = Math.max(s.refCount() > 0 ? s.refMax() : Double.NEGATIVE_INFINITY,
                s.curCount() > 0 ? s.curMax() : Double.NEGATIVE_INFINITY);
        boolean testBins = f.test() != null && binned(f.test());
        int k = testBins ? sturges(s.refCount() + s.curCount()) : DEFAULT_BINS;
        double[] edges = new double[k + 1];
        double step = (hi - lo) / k;
        for (int i = 0; i < k; i++) {
            edges[i] = i * step + lo;
        }
        edges[k] = hi;
        double[] r = shares(binCounts(d.ref(), edges), s.refCount());
        double[] c = shares(binCounts(d.cur(), edges), s.curCount());
        double top = niceCeil(Math.max(max(r), max(c)));

        int height = 300;
        int ml = 64;
        int mr = 16;
        int mt = 44;
        int mb = 58;
        double pw = W - ml - mr;
        double ph = height - mt - mb;
        String binsText = k + " equal-width bins" + (testBins ? " (the bins the " + f.test() + " test used)" : "")
                + " from " + DriftOutput.formatNumber(lo) + " to " + DriftOutput.formatNumber(hi);
        String title = "Histogram of " + f.feature() + ": share of non-null values per bin, reference vs current; "
                + binsText;
        svgOpen(h, id, height, title);
        yAxis(h, top, ml, mt, pw, ph, "share of values");
        for (int pass = 0; pass < 2; pass++) {
            double[] v = pass == 0 ? r : c;
            if ((pass == 0 ? s.refCount() : s.curCount()) == 0) {
                continue;
            }
            String color = pass == 0 ? REF_COLOR : CUR_COLOR;
            h.append("<g fill=\"").append(color).append("\" fill-opacity=\"0.45\">");
            for (int i = 0; i < k; i++) {
                if (v[i] == 0) {
                    continue;
                }
                double x = ml + i * pw / k;
                double bh = v[i] / top * ph;
                h.append("<rect x=\"").append(fmt(x)).append("\" y=\"").append(fmt(mt + ph - bh)).append("\" width=\"")
                        .append(fmt(pw / k)).append("\" height=\"").append(fmt(bh)).append("\"><title>")
                        .append(pass == 0 ? "reference" : "current").append(", [")
                        .append(esc(DriftOutput.formatNumber(edges[i]))).append(", ")
                        .append(esc(DriftOutput.formatNumber(edges[i + 1]))).append(i == k - 1 ? "]" : ")")
                        .append(": ").append(pct(v[i])).append("</title></rect>");
            }
            h.append("</g>\n<path fill=\"none\" stroke=\"").append(color).append("\" stroke-width=\"2\" d=\"M")
                    .append(fmt(ml)).append(' ').append(fmt(mt + ph));
            for (int i = 0; i < k; i++) {
                double y = mt + ph - v[i] / top * ph;
                h.append(" L").append(fmt(ml + i * pw / k)).append(' ').append(fmt(y)).append(" L")
                        .append(fmt(ml + (i + 1) * pw / k)).append(' ').append(fmt(y));
            }
            h.append(" L").append(fmt(ml + pw)).append(' ').append(fmt(mt + ph)).append("\"/>\n");
        }
        // x ticks: round values (1, 2 or 5 x 10^k) where they fall, not the bin edges' 343.8 and 683.9
        h.append("<g class=\"tick\" text-anchor=\"middle\">");
        for (double value : DriftColumnStats.niceTicks(lo, hi, 5)) {
            double x = hi > lo ? ml + (value - lo) / (hi - lo) * pw : ml + pw / 2;
            h.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"")
                    .append(fmt(mt + ph)).append("\" y2=\"").append(fmt(mt + ph + 5)).append("\"/><text x=\"")
                    .append(fmt(x)).append("\" y=\"").append(fmt(mt + ph + 19)).append("\">")
                    .append(esc(DriftOutput.formatNumber(value))).append("</text>");
        }
        h.append("</g>\n<text class=\"axis\" x=\"").append(fmt(ml + pw / 2)).append("\" y=\"").append(height - 10)
                .append("\" text-anchor=\"middle\">").append(esc(clip(f.feature(), 40))).append(" (")
                .append(k).append(" bins)</text>\n");
        legend(h, ml, s.refCount(), s.curCount());
        h.append("</svg>\n<figcaption>").append(esc(binsText)).append(". Bars: each window's share of its non-null ")
                .append("values; where they overlap the colours mix.</figcaption>\n</figure>\n");
    }

    private static boolean binned(String test) {
        return test.equals("psi") || test.equals("kl_div") || test.equals("jensenshannon") || test.equals("hellinger");
    }

    /** The library's bin count: ceil(log2(n)) + 1. */
    static int sturges(long n) {
        return n <= 1 ? 1 : 64 - Long.numberOfLeadingZeros(n - 1) + 1;
    }

    /** Counts per bin [e_i, e_i+1), the last closed, as numpy.histogram and the library. */
    static long[] binCounts(double[] values, double[] edges) {
        int k = edges.length - 1;
        long[] out = new long[k];
        double lo = edges[0];
        double width = (edges[k] - lo) / k;
        for (double v : values) {
            if (!Double.isFinite(v)) {
                continue;
            }
            int i = width > 0 ? (int) ((v - lo) / width) : 0;
            i = Math.max(0, Math.min(k - 1, i));
            while (i > 0 && v < edges[i]) {
                i--;
            }
            while (i < k - 1 && v >= edges[i + 1]) {
                i++;
            }
            out[i]++;
        }
        return out;
    }

    // ---- categorical (and numeric with few values): paired horizontal bars ----

    static void bars(StringBuilder h, int id, FeatureDrift f, ColumnData d) {
        List<String> labels = new ArrayList<>();
        List<long[]> counts = new ArrayList<>();
        long nRef;
        long nCur;
        boolean perValue = d.type() == FeatureType.NUMERIC;
        int pooled = 0;
        if (perValue) {
            NumericStats s = d.stats();
            nRef = s.refCount();
            nCur = s.curCount();
            for (double v : s.values()) {
                labels.add(DriftOutput.formatNumber(v));
                counts.add(new long[] {countOf(d.ref(), v), countOf(d.cur(), v)});
            }
        } else {
            Map<String, long[]> m = new HashMap<>();
            nRef = tally(d.refText(), m, 0);
            nCur = tally(d.curText(), m, 1);
            List<Map.Entry<String, long[]>> all = new ArrayList<>(m.entrySet());
            final long fr = Math.max(nRef, 1);
            final long fc = Math.max(nCur, 1);
            all.sort((a, b) -> {
                int byShare = Double.compare((double) b.getValue()[0] / fr + (double) b.getValue()[1] / fc,
                        (double) a.getValue()[0] / fr + (double) a.getValue()[1] / fc);
                return byShare != 0 ? byShare : a.getKey().compareTo(b.getKey());
            });
            long[] other = new long[2];
            int others = 0;
            for (int i = 0; i < all.size(); i++) {
                if (i < TOP_VALUES) {
                    labels.add(all.get(i).getKey());
                    counts.add(all.get(i).getValue());
                } else {
                    other[0] += all.get(i).getValue()[0];
                    other[1] += all.get(i).getValue()[1];
                    others++;
                }
            }
            if (others > 0) {
                labels.add("(" + others + " other values)");
                counts.add(other);
                pooled = others;
            }
        }
        if (labels.isEmpty()) {
            h.append("<p class=\"empty\">No values to chart: both windows hold only nulls.</p>\n");
            return;
        }
        double top = 0;
        for (long[] c : counts) {
            top = Math.max(top, Math.max(share(c[0], nRef), share(c[1], nCur)));
        }
        top = niceCeil(top);
        int rowH = 30;
        int ml = 150;
        int mr = 56;
        int mt = 44;
        int mb = 34;
        int height = mt + rowH * labels.size() + mb;
        double pw = W - ml - mr;
        String what = perValue ? "each of the " + labels.size() + " distinct values"
 : pooled > 0 ? "the " + TOP_VALUES + " most frequent values, the rest pooled"
                : "each value";
        String title = "Bar chart of " + f.feature() + ": share of non-null values for " + what
                + ", reference vs current";
        svgOpen(h, id, height, title);
        // vertical grid and x ticks (shares)
        int div = divisions(top);
        h.append("<g class=\"grid\">");
        for (int t = 0; t <= div; t++) {
            double x = ml + t * pw / div;
            h.append("<line x1=\"").append(fmt(x)).append("\" x2=\"").append(fmt(x)).append("\" y1=\"").append(mt)
                    .append("\" y2=\"").append(mt + rowH * labels.size()).append("\"/>");
        }
        h.append("</g>\n<g class=\"tick\" text-anchor=\"middle\">");
        for (int t = 0; t <= div; t++) {
            double x = ml + t * pw / div;
            h.append("<text x=\"").append(fmt(x)).append("\" y=\"").append(mt + rowH * labels.size() + 16)
                    .append("\">").append(tickPct(top * t / div)).append("</text>");
        }
        h.append("</g>\n");
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            boolean other = pooled > 0 && i == labels.size() - 1;
            double y = mt + i * rowH;
            h.append("<g><title>").append(esc(label)).append(": reference ")
                    .append(pct(share(counts.get(i)[0], nRef))).append(", current ")
                    .append(pct(share(counts.get(i)[1], nCur))).append("</title>");
            h.append("<text class=\"label").append(other ? " other" : "").append("\" x=\"").append(ml - 8)
                    .append("\" y=\"").append(fmt(y + rowH / 2.0 + 4)).append("\" text-anchor=\"end\">")
                    .append(esc(clip(label, 20))).append("</text>");
            for (int side = 0; side < 2; side++) {
                double v = share(counts.get(i)[side], side == 0 ? nRef : nCur);
                double bw = top == 0 ? 0 : v / top * pw;
                double by = y + 4 + side * 12;
                h.append("<rect x=\"").append(ml).append("\" y=\"").append(fmt(by)).append("\" width=\"")
                        .append(fmt(bw)).append("\" height=\"11\" fill=\"").append(side == 0 ? REF_COLOR : CUR_COLOR)
                        .append("\" fill-opacity=\"0.8\"/><text class=\"value\" x=\"").append(fmt(ml + bw + 4))
                        .append("\" y=\"").append(fmt(by + 9)).append("\">").append(pct(v)).append("</text>");
            }
            h.append("</g>\n");
        }
        h.append("<text class=\"axis\" x=\"").append(fmt(ml + pw / 2)).append("\" y=\"").append(height - 4)
                .append("\" text-anchor=\"middle\">share of values</text>\n");
        legend(h, ml, nRef, nCur);
        h.append("</svg>\n<figcaption>Share of each window's non-null values for ").append(esc(what))
                .append(".</figcaption>\n</figure>\n");
    }

    private static long tally(String[] values, Map<String, long[]> m, int side) {
        long n = 0;
        for (String v : values) {
            if (v != null) {
                m.computeIfAbsent(v, x -> new long[2])[side]++;
                n++;
            }
        }
        return n;
    }

    private static long countOf(double[] values, double v) {
        long n = 0;
        for (double x : values) {
            if (x == v) {
                n++;
            }
        }
        return n;
    }

    // ---- shared SVG pieces ----

    private static void svgOpen(StringBuilder h, int id, int height, String title) {
        h.append("<figure>\n<svg viewBox=\"0 0 ").append(W).append(' ').append(height)
                .append("\" width=\"100%\" role=\"img\" aria-labelledby=\"t-").append(id).append("\" ")
                .append("font-family=\"system-ui, sans-serif\" font-size=\"13\">")
                .append("<title id=\"t-").append(id).append("\">").append(esc(title)).append("</title>\n");
    }

    private static void yAxis(StringBuilder h, double top, int ml, int mt, double pw, double ph, String label) {
        int div = divisions(top);
        h.append("<g class=\"grid\">");
        for (int t = 0; t <= div; t++) {
            double y = mt + ph - t * ph / div;
            h.append("<line x1=\"").append(ml).append("\" x2=\"").append(fmt(ml + pw)).append("\" y1=\"")
                    .append(fmt(y)).append("\" y2=\"").append(fmt(y)).append("\"/>");
        }
        h.append("</g>\n<g class=\"tick\" text-anchor=\"end\">");
        for (int t = 0; t <= div; t++) {
            double y = mt + ph - t * ph / div;
            h.append("<text x=\"").append(ml - 6).append("\" y=\"").append(fmt(y + 4)).append("\">")
                    .append(tickPct(top * t / div)).append("</text>");
        }
        h.append("</g>\n<text class=\"axis\" transform=\"translate(14 ").append(fmt(mt + ph / 2))
                .append(") rotate(-90)\" text-anchor=\"middle\">").append(esc(label)).append("</text>\n");
    }

    private static void legend(StringBuilder h, int left, long nRef, long nCur) {
        int x = Math.min(left, W - 420);
        h.append("<g class=\"legend\"><rect x=\"").append(x).append("\" y=\"12\" width=\"14\" height=\"14\" fill=\"")
                .append(REF_COLOR).append("\" fill-opacity=\"0.8\"/><text x=\"").append(x + 20).append("\" y=\"24\">")
                .append(nRef == 0 ? "reference: no values" : "reference (n = " + DriftOutput.count(nRef) + ")")
                .append("</text><rect x=\"").append(x + 220).append("\" y=\"12\" width=\"14\" height=\"14\" fill=\"")
                .append(CUR_COLOR).append("\" fill-opacity=\"0.8\"/><text x=\"").append(x + 240).append("\" y=\"24\">")
                .append(nCur == 0 ? "current: no values" : "current (n = " + DriftOutput.count(nCur) + ")")
                .append("</text></g>\n");
    }

    // ---- helpers ----

    private static double[] shares(long[] counts, long n) {
        double[] s = new double[counts.length];
        for (int i = 0; i < s.length; i++) {
            s[i] = n == 0 ? 0 : (double) counts[i] / n;
        }
        return s;
    }

    private static double share(long count, long n) {
        return n == 0 ? 0 : (double) count / n;
    }

    private static double max(double[] v) {
        double m = 0;
        for (double x : v) {
            m = Math.max(m, x);
        }
        return m;
    }

    /** The axis top: 1, 2, 2.5 or 5 × 10^k at or above {@code v} (a share); 1% when there is nothing. */
    static double niceCeil(double v) {
        if (!(v > 0)) {
            return 0.01;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 2.5, 5, 10}) {
            if (m * p >= v * (1 - 1e-12)) {
                return Math.min(1, m * p);
            }
        }
        return Math.min(1, 10 * p);
    }

    /** Grid divisions for an axis top from {@link #niceCeil}: 4 for 2 × 10^k, else 5 (round steps). */
    static int divisions(double top) {
        double mant = top / Math.pow(10, Math.floor(Math.log10(top)));
        return Math.abs(mant - 2) < 1e-9 ? 4 : 5;
    }

    /** An axis tick's percentage: up to 2 decimals, trailing zeros dropped. */
    static String tickPct(double share) {
        String s = String.format(Locale.ROOT, "%.2f", share * 100);
        if (s.contains(".")) {
            s = s.replaceAll("0+$", "").replaceAll("[.]$", "");
        }
        return s + "%";
    }

    private static String pct(double share) {
        double p = share * 100;
        if (p == 0) {
            return "0%";
        }
        if (p < 0.1) {
            return "&lt;0.1%";
        }
        String s = String.format(Locale.ROOT, p < 10 ? "%.1f" : "%.0f", p);
        return s + "%";
    }

    private static String fmt(double v) {
        if (v == Math.rint(v)) {
            return String.valueOf((long) v);
        }
        return String.format(Locale.ROOT, "%.2f", v);
    }

    private static String clip(String s, int max) {
        return s.codePointCount(0, s.length()) <= max ? s
                : s.substring(0, s.offsetByCodePoints(0, max - 1)) + "…";
    }
}
