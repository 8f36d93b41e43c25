package dev.vitals.server.cli.drift;

import dev.vitals.drift.DatasetDrift;
import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.FeatureType;
import dev.vitals.drift.StatTest;
import dev.vitals.drift.Verdict;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.IntFunction;

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

    /**
     * The page; {@code data} gives a column's values by index, asked once per card (so that a large file's
     * columns need not all be held as arrays at once).
     */
    static String render(DatasetDrift drift, IntFunction<ColumnData> data, List<String> notes, Source ref, Source cur,
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
            card(h, i, drift.features().get(i), data.apply(i), notes.get(i));
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
                    .append("</strong> tested columns drifted (<strong>").append(DriftOutput.percent(d.driftShare()))
                    .append("</strong>); the dataset drifts when at least ")
                    .append(DriftOutput.percent(d.shareThreshold())).append(" do.");
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
                .append(DriftOutput.count(s.rows())).append(s.rows() == 1 ? " row" : " rows").append(", ")
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
                    .append(isPValue(f) ? DriftOutput.formatScore(f.score()) : "-").append("</td><td class=\"num\">")
                    .append(f.test() != null && !isPValue(f) ? DriftOutput.formatScore(f.score()) : "-").append("</td><td class=\"num\">")
                    .append(esc(DriftOutput.thresholdRule(f))).append("</td><td><span class=\"badge ")
                    .append(cssClass(f.verdict())).append("\">").append(DriftOutput.drifted(f.verdict()))
                    .append("</span></td><td class=\"num\">").append(DriftOutput.count(f.referenceCount()))
                    .append("</td><td class=\"num\">").append(DriftOutput.count(f.referenceNulls()))
                    .append("</td><td class=\"num\">").append(DriftOutput.count(f.currentCount()))
                    .append("</td><td class=\"num\">").append(DriftOutput.count(f.currentNulls()))
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
                    .append(DriftOutput.formatScore(f.score())).append("</b> · drifts if ")
                    .append(esc(DriftOutput.thresholdRule(f)));
        } else {
            h.append("no test ran");
        }
        h.append("<br>reference ").append(DriftOutput.count(f.referenceCount())).append(" values, ")
                .append(DriftOutput.count(f.referenceNulls())).append(" nulls · current ")
                .append(DriftOutput.count(f.currentCount())).append(" values, ")
                .append(DriftOutput.count(f.currentNulls())).append(" nulls</p>\n");
        if (!note.isEmpty()) {
            h.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
        }
        if (d.type() == FeatureType.NUMERIC) {
            DriftColumnStats.numericTable(h, d.ref(), f.referenceNulls(), d.cur(), f.currentNulls());
        } else {
            DriftColumnStats.categoricalTable(h, d.refText(), f.referenceNulls(), d.curText(), f.currentNulls());
        }
        if (d.type() == FeatureType.NUMERIC && d.stats().distinct() > MAX_DISTINCT_PER_VALUE) {
            DriftCharts.histogram(h, i, f, d);
        } else {
            DriftCharts.bars(h, i, f, d);
        }
        h.append("</section>\n");
    }

    // ---- numeric: overlaid histograms ----

    static final int W = 560;

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
