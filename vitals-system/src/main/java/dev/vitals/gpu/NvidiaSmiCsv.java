package dev.vitals.gpu;

import dev.vitals.labels.LabelValues;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Parses {@code nvidia-smi --query-gpu=... --format=csv,noheader,nounits}: one line per GPU, fields
 * in {@link #FIELDS} order, separated by {@code ", "}. Robust by construction: a line that cannot be
 * a GPU is dropped, a value that cannot be read is {@code NaN}, and either is counted as a bad line.
 * {@code [N/A]} and {@code [Not Supported]} are the driver's normal way to say a GPU lacks a sensor,
 * so they give {@code NaN} without counting as bad.
 */
final class NvidiaSmiCsv {
    /** The queried fields, in order. Names as listed by {@code nvidia-smi --help-query-gpu}. */
    static final List<String> FIELDS = List.of("index", "name", "uuid", "utilization.gpu", "memory.used",
            "memory.total", "temperature.gpu", "power.draw", "power.limit", "utilization.encoder", "utilization.decoder");
    /** Older drivers reject the encoder and decoder fields; this is the query without them. */
    static final List<String> BASIC_FIELDS = FIELDS.subList(0, 9);

    private static final double MIB = 1024.0 * 1024.0;

    /** What one output gave: the GPUs, and how many lines were bad (dropped or partly unreadable). */
    record Result(List<GpuSample> gpus, int badLines) {
    }

    private NvidiaSmiCsv() {
    }

    static String query(List<String> fields) {
        return "--query-gpu=" + String.join(",", fields);
    }

    /** Parses {@code output} of a query for {@code fieldCount} fields ({@code FIELDS} or {@code BASIC_FIELDS}). */
    static Result parse(String output, int fieldCount) {
        List<GpuSample> gpus = new ArrayList<>();
        Set<Integer> seen = new HashSet<>();
        int bad = 0;
        for (String raw : output.split("\r?\n")) {
            String line = raw.strip();
            if (line.isEmpty()) {
                continue;
            }
            String[] parts = line.split(",", -1);
            for (int i = 0; i < parts.length; i++) {
                parts[i] = parts[i].strip();
            }
            if (parts.length > fieldCount) {
                // nvidia-smi does not quote: a comma in a product name shows up as extra fields
                parts = joinName(parts, fieldCount);
            }
            int index = parseIndex(parts[0]);
            if (parts.length < 3 || index < 0 || !seen.add(index)) {
                bad++; // not a GPU line, or a second line for one index (would clash on labels)
                continue;
            }
            boolean ok = parts.length == fieldCount;
            double[] v = new double[8];
            for (int i = 0; i < 8; i++) {
                int at = 3 + i;
                if (at >= fieldCount || at >= parts.length) {
                    v[i] = Double.NaN;
                    continue;
                }
                v[i] = parseValue(parts[at]);
                if (Double.isNaN(v[i]) && !notAvailable(parts[at])) {
                    ok = false;
                }
            }
            if (!ok) {
                bad++;
            }
            gpus.add(new GpuSample(index, label(parts[1]), label(parts[2]),
                    percent(v[0]), v[1] * MIB, v[2] * MIB, v[3], v[4], v[5], percent(v[6]), percent(v[7])));
        }
        return new Result(List.copyOf(gpus), bad);
    }

    private static String[] joinName(String[] parts, int fieldCount) {
        int extra = parts.length - fieldCount;
        String[] out = new String[fieldCount];
        out[0] = parts[0];
        out[1] = String.join(", ", java.util.Arrays.asList(parts).subList(1, 2 + extra));
        System.arraycopy(parts, 2 + extra, out, 2, fieldCount - 2);
        return out;
    }

    private static int parseIndex(String s) {
        if (s.isEmpty() || s.length() > 4) {
            return -1;
        }
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) < '0' || s.charAt(i) > '9') {
                return -1;
            }
        }
        return Integer.parseInt(s);
    }

    private static String label(String s) {
        return notAvailable(s) || s.isEmpty() ? LabelValues.UNKNOWN : LabelValues.sanitize(s);
    }

    /** The driver's placeholders: {@code [N/A]}, {@code [Not Supported]}, {@code [Unknown Error]}, plain {@code N/A}. */
    static boolean notAvailable(String s) {
        return (s.startsWith("[") && s.endsWith("]")) || s.equalsIgnoreCase("N/A");
    }

    /** A finite, non-negative number, or NaN. */
    private static double parseValue(String s) {
        if (s.isEmpty() || notAvailable(s)) {
            return Double.NaN;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (!((c >= '0' && c <= '9') || c == '.')) {
                return Double.NaN; // no signs, exponents, units, NaN or Infinity
            }
        }
        try {
            double d = Double.parseDouble(s);
            return Double.isFinite(d) ? d : Double.NaN;
        } catch (NumberFormatException e) {
            return Double.NaN;
        }
    }

    private static double percent(double v) {
        return Double.isNaN(v) ? v : Math.min(1.0, v / 100.0);
    }
}
