package dev.vitals.baseline;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.vitals.baseline.SeriesState.Basis;
import dev.vitals.labels.LabelValues;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Reads and writes a {@link Detector}'s state as JSON:
 * <pre>{@code
 * {"format": "vitals-baseline", "version": 1, "robustWindow": 0, "dailySlots": 288, "weeklySlots": 0,
 *  "series": [{"model": "m", "signal": "s", "samples": 900, "skippedNaN": 0, "skippedLowVolume": 3,
 *              "last": {"mean": 0.8, "stddev": 0.1, "z": 0.4, "basis": "DAILY"},
 *              "ewma": [900, 0.8, 0.01], "window": [...],
 *              "daily": {"slotMean": [...288], "slotPeriods": [...288], "lastPeriod": [...288],
 *                        "residual": [300, 0.0, 0.01]},
 *              "run": {"above": 0, "active": false, "calm": 0, "runStart": 0, "calmStart": 0,
 *                      "runSamples": 0, "peakZ": 0, "peakValue": 0, "peakMean": 0, "peakStddev": 0}}],
 *  "recent": [{"model": ..., "signal": ..., "startMillis": ..., "endMillis": ..., "peakZ": ..., ...}]}
 * }</pre>
 * {@code window}, {@code daily} and {@code weekly} are present exactly when the detector has them. Not
 * finite doubles ({@code last} before any sample) are {@code null}. Doubles are written by
 * {@link Double#toString}, which reads back to the same bits.
 */
final class SnapshotCodec {
    static final String FORMAT = "vitals-baseline";
    static final int VERSION = 1;
    private static final String PREFIX = "baseline snapshot: ";
    private static final JsonFactory FACTORY = new JsonFactory();
    private static final ObjectMapper JSON = new ObjectMapper()
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private SnapshotCodec() {
    }

    record Restored(List<Series> series, List<Anomaly> recent) {
    }

    // ---- writing --------------------------------------------------------------------------------

    static byte[] write(Settings settings, List<Series> series, Collection<Anomaly> recent) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(1024 + series.size() * 512);
        try (JsonGenerator g = FACTORY.createGenerator(out)) {
            g.writeStartObject();
            g.writeStringField("format", FORMAT);
            g.writeNumberField("version", VERSION);
            g.writeNumberField("robustWindow", settings.robustWindow());
            g.writeNumberField("dailySlots", settings.dailySlots());
            g.writeNumberField("weeklySlots", settings.weeklySlots());
            g.writeArrayFieldStart("series");
            for (Series s : series) {
                writeSeries(g, s);
            }
            g.writeEndArray();
            g.writeArrayFieldStart("recent");
            for (Anomaly a : recent) {
                writeAnomaly(g, a);
            }
            g.writeEndArray();
            g.writeEndObject();
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a ByteArrayOutputStream does not fail
        }
        return out.toByteArray();
    }

    private static void writeSeries(JsonGenerator g, Series s) throws IOException {
        g.writeStartObject();
        g.writeStringField("model", s.model);
        g.writeStringField("signal", s.signal);
        g.writeNumberField("samples", s.samples);
        g.writeNumberField("skippedNaN", s.skippedNaN);
        g.writeNumberField("skippedLowVolume", s.skippedLowVolume);
        g.writeObjectFieldStart("last");
        number(g, "mean", s.lastMean);
        number(g, "stddev", s.lastStddev);
        number(g, "z", s.lastZ);
        g.writeStringField("basis", s.lastBasis.name());
        g.writeEndObject();
        g.writeFieldName("ewma");
        writeEwma(g, s.ewma);
        if (s.window != null) {
            g.writeFieldName("window");
            double[] v = s.window.values();
            g.writeArray(v, 0, v.length);
        }
        if (s.daily != null) {
            g.writeFieldName("daily");
            writeProfile(g, s.daily);
        }
        if (s.weekly != null) {
            g.writeFieldName("weekly");
            writeProfile(g, s.weekly);
        }
        g.writeObjectFieldStart("run");
        g.writeNumberField("above", s.above);
        g.writeBooleanField("active", s.active);
        g.writeNumberField("calm", s.calm);
        g.writeNumberField("runStart", s.runStart);
        g.writeNumberField("calmStart", s.calmStart);
        g.writeNumberField("runSamples", s.runSamples);
        g.writeNumberField("peakZ", s.peakZ);
        g.writeNumberField("peakValue", s.peakValue);
        g.writeNumberField("peakMean", s.peakMean);
        g.writeNumberField("peakStddev", s.peakStddev);
        g.writeEndObject();
        g.writeEndObject();
    }

    private static void writeEwma(JsonGenerator g, Ewma e) throws IOException {
        g.writeStartArray();
        g.writeNumber(e.n);
        g.writeNumber(e.mean);
        g.writeNumber(e.var);
        g.writeEndArray();
    }

    private static void writeProfile(JsonGenerator g, SeasonalProfile p) throws IOException {
        g.writeStartObject();
        g.writeFieldName("slotMean");
        g.writeArray(p.slotMean, 0, p.slotMean.length);
        g.writeFieldName("slotPeriods");
        g.writeArray(p.slotPeriods, 0, p.slotPeriods.length);
        g.writeFieldName("lastPeriod");
        g.writeArray(p.lastPeriod, 0, p.lastPeriod.length);
        g.writeFieldName("residual");
        writeEwma(g, p.residual);
        g.writeEndObject();
    }

    private static void writeAnomaly(JsonGenerator g, Anomaly a) throws IOException {
        g.writeStartObject();
        g.writeStringField("model", a.model());
        g.writeStringField("signal", a.signal());
        g.writeNumberField("startMillis", a.startMillis());
        g.writeNumberField("endMillis", a.endMillis());
        g.writeNumberField("peakZ", a.peakZ());
        g.writeNumberField("peakValue", a.peakValue());
        g.writeNumberField("baselineMean", a.baselineMean());
        g.writeNumberField("baselineStddev", a.baselineStddev());
        g.writeNumberField("samples", a.samples());
        g.writeEndObject();
    }

    private static void number(JsonGenerator g, String field, double v) throws IOException {
        if (Double.isFinite(v)) {
            g.writeNumberField(field, v);
        } else {
            g.writeNullField(field);
        }
    }

    // ---- reading --------------------------------------------------------------------------------

    /** Parses and checks a whole snapshot; touches nothing. */
    static Restored read(byte[] bytes, Settings settings, int maxKeys, int history) {
        if (bytes == null || bytes.length == 0) {
            throw new IllegalArgumentException(PREFIX + "empty");
        }
        JsonNode root;
        try {
            root = JSON.readTree(bytes);
        } catch (IOException e) {
            throw new IllegalArgumentException(PREFIX + "not valid JSON", e);
        }
        if (root == null || !root.isObject() || !FORMAT.equals(root.path("format").textValue())) {
            throw new IllegalArgumentException(PREFIX + "not a Vitals baseline snapshot (no \"format\": \"" + FORMAT + "\")");
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw new IllegalArgumentException(PREFIX + "unsupported version " + version + ", this build reads version " + VERSION);
        }
        sameShape(root, "robustWindow", "robust window", settings.robustWindow());
        sameShape(root, "dailySlots", "daily slots", settings.dailySlots());
        sameShape(root, "weeklySlots", "weekly slots", settings.weeklySlots());

        JsonNode list = array(root, "series", "series");
        if (list.size() > maxKeys) {
            throw new IllegalArgumentException(PREFIX + list.size() + " series exceed maxKeys " + maxKeys);
        }
        List<Series> series = new ArrayList<>(list.size());
        Set<String> keys = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            Series s = readSeries(list.get(i), "series[" + i + "]", settings);
            if (!keys.add(s.model + '\u0000' + s.signal)) {
                throw new IllegalArgumentException(PREFIX + "series[" + i + "] repeats model \"" + s.model
                        + "\" signal \"" + s.signal + "\"");
            }
            series.add(s);
        }
        JsonNode rec = array(root, "recent", "recent");
        List<Anomaly> recent = new ArrayList<>();
        // keep the newest `history` when this detector keeps fewer than the one that wrote it
        for (int i = Math.max(0, rec.size() - history); i < rec.size(); i++) {
            recent.add(readAnomaly(rec.get(i), "recent[" + i + "]"));
        }
        return new Restored(series, recent);
    }

    private static void sameShape(JsonNode root, String field, String what, int here) {
        int there = integer(root, field, "", 0, Integer.MAX_VALUE);
        if (there != here) {
            throw new IllegalArgumentException(PREFIX + "taken with " + what + " " + there + ", this detector has " + here);
        }
    }

    private static Series readSeries(JsonNode n, String path, Settings settings) {
        object(n, path);
        Series s = new Series(label(n, "model", path), label(n, "signal", path), settings);
        s.samples = count(n, "samples", path);
        s.skippedNaN = count(n, "skippedNaN", path);
        s.skippedLowVolume = count(n, "skippedLowVolume", path);
        JsonNode last = n.get("last");
        String lp = path + ".last";
        object(last, lp);
        s.lastMean = nullableFinite(last, "mean", lp);
        s.lastStddev = nullableFinite(last, "stddev", lp);
        s.lastZ = nullableFinite(last, "z", lp);
        JsonNode basis = last.get("basis");
        try {
            s.lastBasis = Basis.valueOf(basis == null ? "" : basis.asText());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(PREFIX + lp + ".basis must be one of WARM_UP, EWMA, ROBUST, DAILY, WEEKLY");
        }
        readEwma(n, "ewma", path, s.ewma);
        if (s.window != null) {
            JsonNode w = array(n, "window", path + ".window");
            if (w.size() > s.window.capacity()) {
                throw new IllegalArgumentException(PREFIX + path + ".window holds " + w.size()
                        + " values, more than the window of " + s.window.capacity());
            }
            for (int i = 0; i < w.size(); i++) {
                s.window.add(element(w, i, path + ".window"));
            }
        }
        if (s.daily != null) {
            readProfile(n, "daily", path, s.daily);
        }
        if (s.weekly != null) {
            readProfile(n, "weekly", path, s.weekly);
        }
        JsonNode run = n.get("run");
        String rp = path + ".run";
        object(run, rp);
        s.above = integer(run, "above", rp, 0, Integer.MAX_VALUE);
        JsonNode active = run.get("active");
        if (active == null || !active.isBoolean()) {
            throw new IllegalArgumentException(PREFIX + rp + ".active must be true or false");
        }
        s.active = active.booleanValue();
        s.calm = integer(run, "calm", rp, 0, Integer.MAX_VALUE);
        s.runStart = longValue(run, "runStart", rp);
        s.calmStart = longValue(run, "calmStart", rp);
        s.runSamples = count(run, "runSamples", rp);
        s.peakZ = finite(run, "peakZ", rp);
        s.peakValue = finite(run, "peakValue", rp);
        s.peakMean = finite(run, "peakMean", rp);
        s.peakStddev = finite(run, "peakStddev", rp);
        return s;
    }

    private static void readEwma(JsonNode parent, String field, String path, Ewma into) {
        String p = path + "." + field;
        JsonNode a = parent.get(field);
        if (a == null || !a.isArray() || a.size() != 3 || !a.get(0).canConvertToLong() || !a.get(0).isIntegralNumber()
                || a.get(0).longValue() < 0) {
            throw new IllegalArgumentException(PREFIX + p + " must be [count >= 0, mean, variance >= 0]");
        }
        into.n = a.get(0).longValue();
        into.mean = finite(a.get(1), p + "[1]");
        into.var = finite(a.get(2), p + "[2]");
        if (into.var < 0) {
            throw new IllegalArgumentException(PREFIX + p + " must be [count >= 0, mean, variance >= 0]");
        }
    }

    private static void readProfile(JsonNode parent, String field, String path, SeasonalProfile into) {
        String p = path + "." + field;
        JsonNode n = parent.get(field);
        object(n, p);
        JsonNode means = array(n, "slotMean", p + ".slotMean");
        JsonNode periods = array(n, "slotPeriods", p + ".slotPeriods");
        JsonNode last = array(n, "lastPeriod", p + ".lastPeriod");
        if (means.size() != into.slots() || periods.size() != into.slots() || last.size() != into.slots()) {
            throw new IllegalArgumentException(PREFIX + p + " must have " + into.slots()
                    + " values in each of slotMean, slotPeriods and lastPeriod");
        }
        for (int i = 0; i < into.slots(); i++) {
            into.slotMean[i] = element(means, i, p + ".slotMean");
            JsonNode c = periods.get(i);
            if (!c.isInt() || c.intValue() < 0) {
                throw new IllegalArgumentException(PREFIX + p + ".slotPeriods[" + i + "] must be an integer >= 0");
            }
            into.slotPeriods[i] = c.intValue();
            JsonNode l = last.get(i);
            if (!l.isInt()) {
                throw new IllegalArgumentException(PREFIX + p + ".lastPeriod[" + i + "] must be an integer");
            }
            into.lastPeriod[i] = l.intValue();
        }
        readEwma(n, "residual", p, into.residual);
    }

    private static Anomaly readAnomaly(JsonNode n, String path) {
        object(n, path);
        long end = longValue(n, "endMillis", path);
        long start = longValue(n, "startMillis", path);
        double sd = finite(n, "baselineStddev", path);
        if (sd <= 0) {
            throw new IllegalArgumentException(PREFIX + path + ".baselineStddev must be > 0");
        }
        return new Anomaly(label(n, "model", path), label(n, "signal", path), start, end,
                finite(n, "peakZ", path), finite(n, "peakValue", path), finite(n, "baselineMean", path),
                sd, count(n, "samples", path));
    }

    // ---- field helpers: each names the field in its message ---------------------------------------

    private static void object(JsonNode n, String path) {
        if (n == null || !n.isObject()) {
            throw new IllegalArgumentException(PREFIX + path + " must be an object");
        }
    }

    private static JsonNode array(JsonNode parent, String field, String path) {
        JsonNode a = parent.get(field);
        if (a == null || !a.isArray()) {
            throw new IllegalArgumentException(PREFIX + path + " must be an array");
        }
        return a;
    }

    private static String label(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || !v.isTextual() || !LabelValues.sanitize(v.textValue()).equals(v.textValue())) {
            throw new IllegalArgumentException(PREFIX + path + "." + field + " must be a label value");
        }
        return v.textValue();
    }

    private static String where(String path, String field) {
        return path.isEmpty() ? field : path + "." + field;
    }

    private static int integer(JsonNode parent, String field, String path, int min, int max) {
        JsonNode v = parent.get(field);
        if (v == null || !v.isInt() || v.intValue() < min || v.intValue() > max) {
            throw new IllegalArgumentException(PREFIX + where(path, field) + " must be an integer >= " + min);
        }
        return v.intValue();
    }

    private static long longValue(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v == null || !v.isIntegralNumber() || !v.canConvertToLong()) {
            throw new IllegalArgumentException(PREFIX + where(path, field) + " must be an integer");
        }
        return v.longValue();
    }

    private static long count(JsonNode parent, String field, String path) {
        long v = longValue(parent, field, path);
        if (v < 0) {
            throw new IllegalArgumentException(PREFIX + where(path, field) + " must be an integer >= 0");
        }
        return v;
    }

    private static double finite(JsonNode parent, String field, String path) {
        return finite(parent.get(field), where(path, field));
    }

    private static double finite(JsonNode v, String path) {
        if (v == null || !v.isNumber() || !Double.isFinite(v.doubleValue())) {
            throw new IllegalArgumentException(PREFIX + path + " must be a finite number");
        }
        return v.doubleValue();
    }

    /** Element {@code i} of an array of finite numbers; the path is built only for the message. */
    private static double element(JsonNode array, int i, String path) {
        JsonNode v = array.get(i);
        if (v.isNumber()) {
            double d = v.doubleValue();
            if (Double.isFinite(d)) {
                return d;
            }
        }
        throw new IllegalArgumentException(PREFIX + path + "[" + i + "] must be a finite number");
    }

    private static double nullableFinite(JsonNode parent, String field, String path) {
        JsonNode v = parent.get(field);
        if (v != null && v.isNull()) {
            return Double.NaN;
        }
        return finite(v, where(path, field));
    }
}
