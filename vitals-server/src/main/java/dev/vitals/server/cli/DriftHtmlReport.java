package dev.vitals.server.cli;

import dev.vitals.drift.DatasetDrift;
import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.FeatureType;
import dev.vitals.drift.StatTest;
import dev.vitals.drift.Verdict;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The HTML report of {@code vitals drift --html}: one self-contained page, inline CSS and inline SVG, no script and
 * no external request (a Content-Security-Policy of {@code default-src 'none'} says so to the browser too).
 *
 * <p>A summary header (the dataset verdict and share, the files, a table of all columns), then one card per column,
 * drifted columns first (then those without a verdict, then the rest, each group in file order): the test, score,
 * threshold and verdict, and the two windows' distributions as shares of their non-null values, reference in blue
 * and current in orange. Numeric columns: overlaid semi-transparent histograms with step outlines, over the bins a
 * binned test used (Sturges' count over [min, max] of both windows) or else 20 equal-width bins over that range.
 * Categorical columns, and numeric ones with at most 5 distinct values: the 20 most frequent values (by their
 * combined share) as paired horizontal bars, the rest pooled in one "other" row. Every user-provided string
 * (file names, column names, category values) is escaped.
 */
final class DriftHtmlReport {
    static final String REF_COLOR = "#2f6fb0";
    static final String CUR_COLOR = "#e8750c";
    static final int DEFAULT_BINS = 20;
    static final int TOP_VALUES = 20;
    private static final int MAX_DISTINCT_PER_VALUE = 5;

    private DriftHtmlReport() {
    }

    /** A file as the report names it. */
    record Source(String label, int rows, String delimiter, String encoding) {
    }

    /** Finite values of a numeric column in both windows: counts, ranges and distinct values (up to 6). */
    record NumericStats(long refCount, long curCount, double refMin, double refMax, double curMin, double curMax,
                        int distinct, double[] values) {

        static NumericStats of(double[] ref, double[] cur) {
            double[] few = new double[MAX_DISTINCT_PER_VALUE + 1];
            int[] distinct = {0};
            double[] r = scan(ref, few, distinct);
            double[] c = scan(cur, few, distinct);
            double[] values = Arrays.copyOf(few, Math.min(distinct[0], MAX_DISTINCT_PER_VALUE));
            Arrays.sort(values);
            return new NumericStats((long) r[0], (long) c[0], r[1], r[2], c[1], c[2], distinct[0], values);
        }

        /** {count, min, max}; adds distinct values to {@code few} while there are at most 6. */
        private static double[] scan(double[] v, double[] few, int[] distinct) {
            long n = 0;
            double min = Double.POSITIVE_INFINITY;
            double max = Double.NEGATIVE_INFINITY;
            for (double x : v) {
                if (!Double.isFinite(x)) {
                    continue;
                }
                if (x == 0) {
                    x = 0.0; // -0.0 and 0.0 are one value
                }
                n++;
                if (x < min) {
                    min = x;
                }
                if (x > max) {
                    max = x;
                }
                if (distinct[0] < few.length) {
                    boolean known = false;
                    for (int i = 0; i < distinct[0]; i++) {
                        if (few[i] == x) {
                            known = true;
                            break;
                        }
                    }
                    if (!known) {
                        few[distinct[0]++] = x;
                    }
                }
            }
            return new double[] {n, n == 0 ? Double.NaN : min, n == 0 ? Double.NaN : max};
        }
    }

    /** One column's values in both windows. */
    record ColumnData(String name, FeatureType type, double[] ref, double[] cur, String[] refText, String[] curText,
                      NumericStats stats) {

        static ColumnData numeric(String name, double[] ref, double[] cur) {
            return new ColumnData(name, FeatureType.NUMERIC, ref, cur, null, null, NumericStats.of(ref, cur));
        }

        static ColumnData categorical(String name, String[] ref, String[] cur) {
            return new ColumnData(name, FeatureType.CATEGORICAL, null, null, ref, cur, null);
        }
    }

    /** The page. */
    static String render(DatasetDrift drift, List<ColumnData> data, List<String> notes, Source ref, Source cur,
                         ZonedDateTime when) {
        StringBuilder h = new StringBuilder(64 * 1024);
        h.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
                .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
                .append("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; ")
                .append("style-src 'unsafe-inline'\">\n")
                .append("<title>Data drift: ").append(esc(verdictWord(drift.verdict()))).append(" - ")
                .append(esc(ref.label())).append(" vs ").append(esc(cur.label())).append("</title>\n")
                .append("<style>").append(CSS).append("</style>\n</head>\n<body>\n<main>\n");
        header(h, drift, ref, cur, when);
        summaryTable(h, drift, notes);
        h.append("<h2>Columns</h2>\n<div class=\"cards\">\n");
        for (int i : order(drift)) {
            card(h, i, drift.features().get(i), data.get(i), notes.get(i));
        }
        h.append("</div>\n");
        h.append("<footer><p>Shares are of each window's non-null values; nulls (empty, NA, NaN, null, ±infinity) "
                + "are counted apart and left out of every test. p-value tests (ks, chisquare, z) drift when the "
                + "score is below the threshold; distances (wasserstein, jensenshannon, psi, kl_div, hellinger) "
                + "when it is at or above it. Generated by <code>vitals drift</code> on ")
                .append(esc(when.withNano(0).format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))).append(".</p></footer>\n");
        h.append("</main>\n</body>\n</html>\n");
        return h.toString();
    }

    /** Card order: drift, then no verdict, then no drift; file order within each. */
    static List<Integer> order(DatasetDrift drift) {
        List<Integer> out = new ArrayList<>();
        for (Verdict v : new Verdict[] {Verdict.DRIFT, Verdict.NO_VERDICT, Verdict.NO_DRIFT}) {
            for (int i = 0; i < drift.features().size(); i++) {
                if (drift.features().get(i).verdict() == v) {
                    out.add(i);
                }
            }
        }
        return out;
    }

    private static void header(StringBuilder h, DatasetDrift d, Source ref, Source cur, ZonedDateTime when) {
        String cls = cssClass(d.verdict());
        h.append("<header class=\"banner ").append(cls).append("\">\n<h1>Data drift: ")
                .append(verdictWord(d.verdict())).append("</h1>\n<p class=\"lead\">");
        int total = d.features().size();
        if (d.verdict() == Verdict.NO_VERDICT) {
            h.append("No column could be tested: each of the ").append(total)
                    .append(" columns has a window with no values. No score is made up.");
        } else {
            h.append("<strong>").append(d.driftedFeatures()).append(" of ").append(d.evaluatedFeatures())
                    .append("</strong> tested columns drifted (<strong>").append(DriftCommand.percent(d.driftShare()))
                    .append("</strong>); the dataset drifts when at least ")
                    .append(DriftCommand.percent(d.shareThreshold())).append(" do.");
            if (d.evaluatedFeatures() < total) {
                int n = total - d.evaluatedFeatures();
                h.append(" ").append(n).append(n == 1 ? " column has" : " columns have").append(" no verdict.");
            }
        }
        h.append("</p>\n<dl class=\"files\">\n");
        source(h, "Reference", ref, REF_COLOR);
        source(h, "Current", cur, CUR_COLOR);
        h.append("</dl>\n</header>\n");
    }

    private static void source(StringBuilder h, String role, Source s, String color) {
        h.append("<dt><span class=\"swatch\" style=\"background:").append(color).append("\"></span>").append(role)
                .append("</dt><dd><code>").append(esc(s.label())).append("</code> - ")
                .append(DriftCommand.count(s.rows())).append(s.rows() == 1 ? " row" : " rows").append(", ")
                .append(esc(s.delimiter())).append("-separated, ").append(esc(s.encoding())).append("</dd>\n");
    }

    private static void summaryTable(StringBuilder h, DatasetDrift d, List<String> notes) {
        h.append("<h2>Summary</h2>\n<div class=\"scroll\"><table>\n<thead><tr><th>Column</th><th>Type</th>")
                .append("<th>Test</th><th class=\"num\">p-value</th><th class=\"num\">Distance</th><th class=\"num\">Drift if</th><th>Drifted</th>")
                .append("<th class=\"num\">Ref. values</th><th class=\"num\">Ref. nulls</th>")
                .append("<th class=\"num\">Cur. values</th><th class=\"num\">Cur. nulls</th><th>Note</th>")
                .append("</tr></thead>\n<tbody>\n");
        for (int i : order(d)) {
            FeatureDrift f = d.features().get(i);
            h.append("<tr class=\"").append(cssClass(f.verdict())).append("\"><td><a href=\"#col-").append(i)
                    .append("\">").append(esc(f.feature())).append("</a></td><td>").append(f.type().label())
                    .append("</td><td>").append(esc(f.test() == null ? "-" : f.test())).append("</td><td class=\"num\">")
                    // p-values and distances are different scales with opposite rules: never one column
                    .append(isPValue(f) ? DriftCommand.formatScore(f.score()) : "-").append("</td><td class=\"num\">")
                    .append(f.test() != null && !isPValue(f) ? DriftCommand.formatScore(f.score()) : "-").append("</td><td class=\"num\">")
                    .append(esc(DriftCommand.thresholdRule(f))).append("</td><td><span class=\"badge ")
                    .append(cssClass(f.verdict())).append("\">").append(DriftCommand.drifted(f.verdict()))
                    .append("</span></td><td class=\"num\">").append(DriftCommand.count(f.referenceCount()))
                    .append("</td><td class=\"num\">").append(DriftCommand.count(f.referenceNulls()))
                    .append("</td><td class=\"num\">").append(DriftCommand.count(f.currentCount()))
                    .append("</td><td class=\"num\">").append(DriftCommand.count(f.currentNulls()))
                    .append("</td><td>").append(esc(notes.get(i))).append("</td></tr>\n");
        }
        h.append("</tbody>\n</table></div>\n");
    }

    private static boolean isPValue(FeatureDrift f) {
        return f.test() != null && StatTest.byName(f.test()).kind() == StatTest.Kind.P_VALUE;
    }

    private static void card(StringBuilder h, int i, FeatureDrift f, ColumnData d, String note) {
        String cls = cssClass(f.verdict());
        h.append("<section class=\"card ").append(cls).append("\" id=\"col-").append(i).append("\">\n<h3><span class=\"name\">")
                .append(esc(f.feature())).append("</span> <span class=\"badge ").append(cls).append("\">")
                .append(verdictWord(f.verdict())).append("</span></h3>\n<p class=\"meta\">")
                .append(f.type().label()).append(" · ");
        if (f.test() != null) {
            StatTest t = StatTest.byName(f.test());
            h.append("<b>").append(esc(f.test())).append("</b> ")
                    .append(t.kind() == StatTest.Kind.P_VALUE ? "p-value" : "distance").append(" <b>")
                    .append(DriftCommand.formatScore(f.score())).append("</b> · drifts if ")
                    .append(esc(DriftCommand.thresholdRule(f)));
        } else {
            h.append("no test ran");
        }
        h.append("<br>reference ").append(DriftCommand.count(f.referenceCount())).append(" values, ")
                .append(DriftCommand.count(f.referenceNulls())).append(" nulls · current ")
                .append(DriftCommand.count(f.currentCount())).append(" values, ")
                .append(DriftCommand.count(f.currentNulls())).append(" nulls</p>\n");
        if (!note.isEmpty()) {
            h.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
        }
        if (d.type() == FeatureType.NUMERIC) {
            DriftColumnStats.numericTable(h, d.ref(), f.referenceNulls(), d.cur(), f.currentNulls());
        } else {
            DriftColumnStats.categoricalTable(h, d.refText(), f.referenceNulls(), d.curText(), f.currentNulls());
        }
        if (d.type() == FeatureType.NUMERIC && d.stats().distinct() > MAX_DISTINCT_PER_VALUE) {
            histogram(h, i, f, d);
        } else {
            bars(h, i, f, d);
        }
        h.append("</section>\n");
    }

    // ---- numeric: overlaid histograms ----

    private static final int W = 560;

    private static void histogram(StringBuilder h, int id, FeatureDrift f, ColumnData d) {
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
                + " from " + DriftCommand.formatNumber(lo) + " to " + DriftCommand.formatNumber(hi);
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
                        .append(esc(DriftCommand.formatNumber(edges[i]))).append(", ")
                        .append(esc(DriftCommand.formatNumber(edges[i + 1]))).append(i == k - 1 ? "]" : ")")
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
                    .append(esc(DriftCommand.formatNumber(value))).append("</text>");
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

    private static void bars(StringBuilder h, int id, FeatureDrift f, ColumnData d) {
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
                labels.add(DriftCommand.formatNumber(v));
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
                .append(nRef == 0 ? "reference: no values" : "reference (n = " + DriftCommand.count(nRef) + ")")
                .append("</text><rect x=\"").append(x + 220).append("\" y=\"12\" width=\"14\" height=\"14\" fill=\"")
                .append(CUR_COLOR).append("\" fill-opacity=\"0.8\"/><text x=\"").append(x + 240).append("\" y=\"24\">")
                .append(nCur == 0 ? "current: no values" : "current (n = " + DriftCommand.count(nCur) + ")")
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

    static String verdictWord(Verdict v) {
        return v == Verdict.DRIFT ? "DRIFT" : v == Verdict.NO_DRIFT ? "NO DRIFT" : "NO VERDICT";
    }

    private static String cssClass(Verdict v) {
        return v == Verdict.DRIFT ? "drift" : v == Verdict.NO_DRIFT ? "ok" : "none";
    }

    /** Escapes text for HTML and SVG content and attribute values; control characters become U+FFFD. */
    static String esc(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&' -> b.append("&amp;");
                case '<' -> b.append("&lt;");
                case '>' -> b.append("&gt;");
                case '"' -> b.append("&quot;");
                case '\'' -> b.append("&#39;");
                default -> b.append((c < ' ' && c != '\t' && c != '\n') || c == 0x7f || (c >= 0x80 && c < 0xa0)
                        ? '\ufffd' : c);
            }
        }
        return b.toString();
    }

    private static final String CSS = """
            :root{--drift:#b42318;--drift-bg:#fef3f2;--ok:#067647;--ok-bg:#ecfdf3;--none:#475467;--none-bg:#f2f4f7;\
            --line:#d0d5dd;--text:#101828;--muted:#475467}
            *{box-sizing:border-box}
            body{margin:0;font:15px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--text);\
            background:#f9fafb}
            main{max-width:1280px;margin:0 auto;padding:16px}
            h1{margin:0 0 4px;font-size:1.6rem}h2{font-size:1.2rem;margin:24px 0 8px}
            h3{margin:0;font-size:1.05rem;display:flex;gap:8px;align-items:center;flex-wrap:wrap}
            .banner{border-radius:10px;padding:16px 20px;border:1px solid var(--line);border-left-width:8px}
            .banner.drift{background:var(--drift-bg);border-left-color:var(--drift)}
            .banner.ok{background:var(--ok-bg);border-left-color:var(--ok)}
            .banner.none{background:var(--none-bg);border-left-color:var(--none)}
            .banner.drift h1{color:var(--drift)}.banner.ok h1{color:var(--ok)}.banner.none h1{color:var(--none)}
            .lead{font-size:1.1rem;margin:4px 0 10px}
            .files{display:grid;grid-template-columns:max-content 1fr;gap:2px 12px;margin:0;color:var(--muted)}
            .files dt{font-weight:600}.files dd{margin:0;overflow-wrap:anywhere}
            .swatch{display:inline-block;width:12px;height:12px;border-radius:2px;margin-right:6px;vertical-align:-1px}
            .scroll{overflow-x:auto;border:1px solid var(--line);border-radius:8px;background:#fff}
            table{border-collapse:collapse;width:100%;font-size:.9rem}
            th,td{padding:6px 10px;border-bottom:1px solid #eaecf0;text-align:left;white-space:nowrap}
            td:first-child{white-space:normal;overflow-wrap:anywhere;min-width:8em}
            td:last-child{white-space:normal;min-width:16em}
            th{background:#f2f4f7;font-weight:600}.num{text-align:right;font-variant-numeric:tabular-nums}
            tr.drift td:first-child{border-left:4px solid var(--drift)}
            .badge{display:inline-block;padding:1px 8px;border-radius:999px;font-size:.78rem;font-weight:700;\
            letter-spacing:.02em}
            .badge.drift{background:var(--drift);color:#fff}.badge.ok{background:var(--ok-bg);color:var(--ok);\
            border:1px solid #abefc6}.badge.none{background:var(--none-bg);color:var(--none);border:1px solid var(--line)}
            .cards{display:grid;align-items:start;grid-template-columns:repeat(auto-fill,minmax(min(100%,540px),1fr));gap:16px}
            .card{background:#fff;border:1px solid var(--line);border-radius:10px;padding:14px 16px;min-width:0}
            .card.drift{border:2px solid var(--drift);box-shadow:0 0 0 3px var(--drift-bg)}
            .name{overflow-wrap:anywhere}
            .meta{margin:6px 0;color:var(--muted);font-size:.9rem}
            .note{margin:6px 0;padding:4px 8px;background:#fffaeb;border-left:3px solid #f79009;font-size:.88rem}
            .empty{color:var(--muted);font-style:italic}
            figure{margin:8px 0 0}figcaption{color:var(--muted);font-size:.82rem}
            svg{display:block;height:auto;max-width:100%}
            table.stats{margin:6px 0 10px}.flag{margin:4px 0;padding:4px 8px;border-radius:4px}.flag.new{background:#fef3c7}.flag.missing{background:#fde2e1}svg .grid line{stroke:#eaecf0}svg .tick{fill:var(--muted)}svg .tick line{stroke:var(--muted)}
            svg .axis{fill:var(--text);font-weight:600}svg .value{fill:var(--muted);font-size:10px}
            svg .label{fill:var(--text)}svg .label.other{font-style:italic;fill:var(--muted)}
            footer{margin-top:24px;color:var(--muted);font-size:.85rem}
            """;
}
