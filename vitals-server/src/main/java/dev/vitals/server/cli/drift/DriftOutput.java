package dev.vitals.server.cli.drift;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.vitals.drift.DatasetDrift;
import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.FeatureType;
import dev.vitals.drift.StatTest;
import dev.vitals.drift.Verdict;
import dev.vitals.server.csv.CsvColumns;
import dev.vitals.server.csv.CsvValues;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** What {@code vitals drift} prints and writes: the table, its notes and numbers, and the JSON result. */
final class DriftOutput {
    private DriftOutput() {
    }

    /** The table's note: why there is no verdict, constant columns, numbers compared per value. */
    static String note(FeatureDrift f, DriftHtmlReport.ColumnData d) {
        List<String> parts = new ArrayList<>();
        if (f.verdict() == Verdict.NO_VERDICT) {
            parts.add(f.reason());
        }
        if (d.type() == FeatureType.NUMERIC) {
            DriftHtmlReport.NumericStats s = d.stats();
            boolean refConst = s.refCount() > 0 && s.refMin() == s.refMax();
            boolean curConst = s.curCount() > 0 && s.curMin() == s.curMax();
            if (refConst && curConst) {
                parts.add(s.refMin() == s.curMin() ? "constant, same value in both (std 0)"
                        : "constant in both, different values (std 0)");
            } else if (refConst) {
                parts.add("reference is constant (std 0)");
            } else if (curConst) {
                parts.add("current is constant (std 0)");
            }
            if (refConst && "wasserstein".equals(f.test())) {
                parts.add("wasserstein divides by max(std, 0.001) = 0.001");
            }
            if (f.verdict() != Verdict.NO_VERDICT && s.distinct() <= 5 && !"ks".equals(f.test())
                    && !"wasserstein".equals(f.test())) {
                parts.add(s.distinct() + (s.distinct() == 1 ? " distinct value" : " distinct values")
                        + ": compared per value");
            }
        }
        return String.join("; ", parts);
    }

    static void printTable(PrintWriter out, CsvColumns ref, CsvColumns cur, DatasetDrift drift,
                                   List<String> notes) {
        out.println("Reference: " + describe(ref));
        out.println("Current:   " + describe(cur));
        out.println();
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"column", "type", "test", "score", "drift if", "drifted", "ref n", "ref nulls", "cur n",
            "cur nulls", "note"});
        for (int i = 0; i < drift.features().size(); i++) {
            FeatureDrift f = drift.features().get(i);
            rows.add(new String[] {terminalSafe(f.feature(), 40), f.type().label(), f.test() == null ? "-" : f.test(),
                formatScore(f.score()), thresholdRule(f), drifted(f.verdict()), count(f.referenceCount()),
                count(f.referenceNulls()), count(f.currentCount()), count(f.currentNulls()), notes.get(i)});
        }
        int cols = rows.get(0).length;
        int[] width = new int[cols];
        for (String[] r : rows) {
            for (int c = 0; c < cols; c++) {
                width[c] = Math.max(width[c], r[c].length());
            }
        }
        boolean[] right = {false, false, false, true, true, false, true, true, true, true, false};
        for (String[] r : rows) {
            StringBuilder b = new StringBuilder();
            for (int c = 0; c < cols; c++) {
                if (c > 0) {
                    b.append("  ");
                }
                String cell = r[c];
                if (c == cols - 1) {
                    b.append(cell);
                } else if (right[c]) {
                    b.append(" ".repeat(width[c] - cell.length())).append(cell);
                } else {
                    b.append(cell).append(" ".repeat(width[c] - cell.length()));
                }
            }
            out.println(b.toString().stripTrailing());
        }
        out.println();
        out.println(datasetLine(drift));
    }

    private static String describe(CsvColumns f) {
        return f.label() + " (" + count(f.rows()) + (f.rows() == 1 ? " row" : " rows") + ", " + f.delimiterLabel()
                + "-separated, " + f.encodingLabel() + ")";
    }

    /** The dataset verdict in words. */
    static String datasetLine(DatasetDrift d) {
        int total = d.features().size();
        if (d.verdict() == Verdict.NO_VERDICT) {
            return "Dataset: NO VERDICT - none of the " + total + " columns could be tested";
        }
        String share = percent(d.driftShare());
        String untested = d.evaluatedFeatures() < total
                ? " (" + (total - d.evaluatedFeatures()) + " without a verdict)" : "";
        return "Dataset: " + (d.drifted() ? "DRIFT" : "NO DRIFT") + " - " + d.driftedFeatures() + " of "
                + d.evaluatedFeatures() + " tested columns drifted" + untested + ": " + share
                + (d.drifted() ? " >= " : " < ") + percent(d.shareThreshold());
    }

    static String percent(double share) {
        String s = String.format(Locale.ROOT, "%.1f", share * 100);
        return (s.endsWith(".0") ? s.substring(0, s.length() - 2) : s) + "%";
    }

    static String drifted(Verdict v) {
        return v == Verdict.DRIFT ? "yes" : v == Verdict.NO_DRIFT ? "no" : "no verdict";
    }

    /** "< 0.05" for p-values, ">= 0.1" for distances. */
    static String thresholdRule(FeatureDrift f) {
        if (Double.isNaN(f.threshold())) {
            return "-";
        }
        String op = f.test() == null ? "" : StatTest.byName(f.test()).kind() == StatTest.Kind.P_VALUE ? "< " : ">= ";
        return op + formatNumber(f.threshold());
    }

    /** 4 significant digits; scientific below 1e-4; "-" for NaN. */
    static String formatScore(double v) {
        if (Double.isNaN(v)) {
            return "-";
        }
        if (v == 0) {
            return "0";
        }
        double a = Math.abs(v);
        if (a < 1e-4 || a >= 1e6) {
            return String.format(Locale.ROOT, "%.3e", v);
        }
        return String.format(Locale.ROOT, "%.4g", v);
    }

    static String formatNumber(double v) {
        return formatNumber(v, 6);
    }

    /** Whole numbers as integers, others to {@code digits} significant digits without trailing zeros. */
    static String formatNumber(double v, int digits) {
        if (v == Math.rint(v) && Math.abs(v) < 1e15) {
            return String.valueOf((long) v);
        }
        String s = String.format(Locale.ROOT, "%." + digits + "g", v);
        if (s.contains(".") && !s.contains("e")) {
            s = s.replaceAll("0+$", "").replaceAll("\\.$", "");
        }
        return s;
    }

    static String count(long n) {
        return String.format(Locale.ROOT, "%,d", n);
    }

    /** Control characters replaced, long names shortened. */
    static String terminalSafe(String s, int max) {
        String t = CsvValues.shorten(s);
        return t.length() > max ? t.substring(0, max - 3) + "..." : t;
    }

    /** The {@link DatasetDrift} as JSON, its record components by name; NaN and infinities as null. */
    static void writeJson(DatasetDrift d, OutputStream o) throws IOException {
        try (JsonGenerator g = new JsonFactory().createGenerator(o)) {
            g.useDefaultPrettyPrinter();
            g.writeStartObject();
            g.writeArrayFieldStart("features");
            for (FeatureDrift f : d.features()) {
                g.writeStartObject();
                g.writeStringField("feature", f.feature());
                g.writeStringField("type", f.type().name());
                g.writeStringField("test", f.test());
                number(g, "score", f.score());
                number(g, "scoreLower", f.scoreLower());
                number(g, "scoreUpper", f.scoreUpper());
                number(g, "threshold", f.threshold());
                g.writeStringField("verdict", f.verdict().name());
                g.writeNumberField("referenceCount", f.referenceCount());
                g.writeNumberField("currentCount", f.currentCount());
                g.writeNumberField("referenceNulls", f.referenceNulls());
                g.writeNumberField("currentNulls", f.currentNulls());
                g.writeStringField("reason", f.reason());
                g.writeEndObject();
            }
            g.writeEndArray();
            g.writeNumberField("driftedFeatures", d.driftedFeatures());
            g.writeNumberField("evaluatedFeatures", d.evaluatedFeatures());
            number(g, "driftShare", d.driftShare());
            number(g, "shareThreshold", d.shareThreshold());
            g.writeStringField("verdict", d.verdict().name());
            g.writeEndObject();
            g.writeRaw('\n');
        }
    }

    private static void number(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(field, v);
        } else {
            g.writeNullField(field);
        }
    }
}
