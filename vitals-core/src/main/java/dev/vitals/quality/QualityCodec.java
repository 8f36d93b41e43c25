package dev.vitals.quality;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.quality.Vocabulary.SeriesKey;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * The versioned JSON state of {@link QualityStats} and {@link QualityWindow}.
 *
 * <pre>
 * {"format": "vitals.quality.stats" | "vitals.quality.window", "version": 1,
 *  "spec": {"binary": [neg, pos], "labels": [...], "maxLabels": n, "aucBins": n, "maxScoreSeries": n, "maxCategories": n},
 *  "labels": [label by id],
 *  stats: "classification": {"count", "scored", "logLossSum",
 *                            "confusion": [actual id, predicted id, count, ...],
 *                            "scoredActual": [label id, count, ...],
 *                            "hist": [label id, bin, positive 0|1, count, ...]},
 *         "regression": {"count", "mean", "m2", "sse", "sae", "sape"},
 *         "scores": [{"name", "source", "kind", "count", "sum", "min", "max", "trueCount", "categories": {value: count}}],
 *         "text": {"pairs", "matches": [4], "totals": [4], "hypLength", "refLength", "rouge1", "rouge2", "rougeL", "tokens", "nll"}
 *  window: "windowMillis", "buckets", "latestEpoch", "slots": [{"epoch", "stats": {the stats fields}}]}
 * </pre>
 * Doubles are written as JSON numbers (shortest repr that round-trips), non-finite ones as strings.
 */
final class QualityCodec {
    static final int VERSION = 1;
    private static final ObjectMapper JSON = new ObjectMapper().enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS);

    private QualityCodec() {
    }

    // ---- writing -------------------------------------------------------------------------------

    static ObjectNode header(String format, Vocabulary v) {
        ObjectNode root = JSON.createObjectNode();
        root.put("format", format);
        root.put("version", VERSION);
        QualitySpec spec = v.spec;
        ObjectNode s = root.putObject("spec");
        if (spec.binary()) {
            s.putArray("binary").add(spec.negativeLabel()).add(spec.positiveLabel());
        } else if (spec.closed()) {
            ArrayNode a = s.putArray("labels");
            spec.labels().forEach(a::add);
        }
        s.put("maxLabels", spec.maxLabels());
        s.put("aucBins", spec.aucBins());
        s.put("maxScoreSeries", spec.maxScoreSeries());
        s.put("maxCategories", spec.maxCategories());
        ArrayNode labels = root.putArray("labels");
        for (String l : v.labels()) {
            labels.add(l);
        }
        return root;
    }

    static String writeStats(QualityStats s) {
        ObjectNode root = header(QualityStats.FORMAT, s.vocabulary());
        writeParts(root, s);
        return write(root);
    }

    static String write(ObjectNode root) {
        try {
            return JSON.writeValueAsString(root);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    static void writeParts(ObjectNode out, QualityStats s) {
        int bins = s.spec().aucBins();
        ClassificationAcc c = s.classification;
        ObjectNode cn = out.putObject("classification");
        cn.put("count", c.count);
        cn.put("scored", c.scored);
        putDouble(cn, "logLossSum", c.logLossSum);
        ArrayNode confusion = cn.putArray("confusion");
        for (long k : c.confusion.sortedKeys()) {
            confusion.add(k >>> 32).add((int) k).add(c.confusion.get(k));
        }
        ArrayNode scoredActual = cn.putArray("scoredActual");
        for (long k : c.scoredActual.sortedKeys()) {
            scoredActual.add(k).add(c.scoredActual.get(k));
        }
        ArrayNode hist = cn.putArray("hist");
        for (long k : c.hist.sortedKeys()) {
            long lb = k >>> 1;
            hist.add(lb / (bins + 1)).add(lb % (bins + 1)).add(k & 1).add(c.hist.get(k));
        }
        RegressionAcc r = s.regression;
        ObjectNode rn = out.putObject("regression");
        rn.put("count", r.count);
        putDouble(rn, "mean", r.mean);
        putDouble(rn, "m2", r.m2);
        putDouble(rn, "sse", r.sse);
        putDouble(rn, "sae", r.sae);
        putDouble(rn, "sape", r.sape);
        ArrayNode sn = out.putArray("scores");
        List<Map.Entry<SeriesKey, ScoresAcc.Stat>> entries = new ArrayList<>(s.scores.stats.entrySet());
        entries.sort((a, b) -> {
            int x = Labels.compareCodePoints(a.getKey().name(), b.getKey().name());
            return x != 0 ? x : a.getKey().source().compareTo(b.getKey().source());
        });
        for (Map.Entry<SeriesKey, ScoresAcc.Stat> e : entries) {
            ScoresAcc.Stat st = e.getValue();
            ObjectNode o = sn.addObject();
            o.put("name", e.getKey().name());
            o.put("source", e.getKey().source().wireName());
            o.put("kind", st.kind.wireName());
            o.put("count", st.count);
            if (st.kind == ScoreKind.NUMERIC) {
                putDouble(o, "sum", st.sum);
                putDouble(o, "min", st.min);
                putDouble(o, "max", st.max);
            } else if (st.kind == ScoreKind.BOOLEAN) {
                o.put("trueCount", st.trueCount);
            } else {
                ObjectNode cats = o.putObject("categories");
                st.categories.keySet().stream().sorted(Labels.ORDER).forEach(k -> cats.put(k, st.categories.get(k)));
            }
        }
        TextAcc t = s.text;
        ObjectNode tn = out.putObject("text");
        tn.put("pairs", t.pairs);
        ArrayNode m = tn.putArray("matches");
        ArrayNode tot = tn.putArray("totals");
        for (int i = 0; i < TextMetrics.MAX_N; i++) {
            m.add(t.bleu.matches[i]);
            tot.add(t.bleu.totals[i]);
        }
        tn.put("hypLength", t.bleu.hypLength);
        tn.put("refLength", t.bleu.refLength);
        putDouble(tn, "rouge1", t.rouge1);
        putDouble(tn, "rouge2", t.rouge2);
        putDouble(tn, "rougeL", t.rougeL);
        tn.put("tokens", t.tokens);
        putDouble(tn, "nll", t.nll);
    }

    private static void putDouble(ObjectNode n, String field, double v) {
        if (Double.isFinite(v)) {
            n.put(field, v);
        } else {
            n.put(field, Double.toString(v));
        }
    }

    // ---- reading -------------------------------------------------------------------------------

    static JsonNode parse(String json, String format) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("invalid quality state: not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException("invalid quality state: not a JSON object");
        }
        String f = root.path("format").asText(null);
        if (!format.equals(f)) {
            throw new IllegalArgumentException("invalid quality state: format must be \"" + format + "\", got "
                    + (f == null ? "none" : "\"" + f + "\""));
        }
        JsonNode version = root.get("version");
        if (version == null || !version.isInt() || version.intValue() != VERSION) {
            throw new IllegalArgumentException("unsupported quality state version " + version + "; this build reads version "
                    + VERSION);
        }
        return root;
    }

    static Vocabulary vocabulary(JsonNode root) {
        JsonNode s = object(root, "spec");
        QualitySpec.Builder b = QualitySpec.builder();
        JsonNode binary = s.get("binary");
        if (binary != null) {
            List<String> two = strings(binary, "spec.binary");
            if (two.size() != 2) {
                throw invalid("spec.binary must hold 2 labels");
            }
            b.binary(two.get(0), two.get(1));
        }
        JsonNode labels = s.get("labels");
        if (labels != null) {
            b.labels(strings(labels, "spec.labels"));
        }
        b.maxLabels(intField(s, "maxLabels")).aucBins(intField(s, "aucBins"))
                .maxScoreSeries(intField(s, "maxScoreSeries")).maxCategories(intField(s, "maxCategories"));
        JsonNode vocab = root.get("labels");
        if (vocab == null) {
            throw invalid("missing \"labels\"");
        }
        return Vocabulary.restore(b.build(), strings(vocab, "labels"));
    }

    static QualityStats readStats(String json) {
        JsonNode root = parse(json, QualityStats.FORMAT);
        Vocabulary v = vocabulary(root);
        return readParts(root, v);
    }

    /** Reads the parts of one stats object; registers its score series in {@code v}. */
    static QualityStats readParts(JsonNode n, Vocabulary v) {
        QualityStats s = new QualityStats(v);
        int bins = v.spec.aucBins();
        int k = v.labelCount();
        JsonNode cn = object(n, "classification");
        ClassificationAcc c = s.classification;
        c.count = count(cn, "count");
        c.scored = count(cn, "scored");
        c.logLossSum = doubleField(cn, "logLossSum");
        long[] conf = longs(cn, "confusion", 3);
        long total = 0;
        for (int i = 0; i < conf.length; i += 3) {
            c.confusion.add(((long) id(conf[i], k) << 32) | id(conf[i + 1], k), positive(conf[i + 2]));
            total += conf[i + 2];
        }
        if (total != c.count) {
            throw invalid("confusion counts sum to " + total + ", not count " + c.count);
        }
        long[] sa = longs(cn, "scoredActual", 2);
        for (int i = 0; i < sa.length; i += 2) {
            c.scoredActual.add(id(sa[i], k), positive(sa[i + 1]));
        }
        long[] hist = longs(cn, "hist", 4);
        for (int i = 0; i < hist.length; i += 4) {
            if (hist[i + 1] < 0 || hist[i + 1] > bins || (hist[i + 2] != 0 && hist[i + 2] != 1)) {
                throw invalid("hist entry " + i / 4 + " is out of range");
            }
            c.hist.add(ClassificationAcc.histKey(id(hist[i], k), (int) hist[i + 1], hist[i + 2] == 1, bins),
                    positive(hist[i + 3]));
        }
        JsonNode rn = object(n, "regression");
        RegressionAcc r = s.regression;
        r.count = count(rn, "count");
        r.mean = doubleField(rn, "mean");
        r.m2 = doubleField(rn, "m2");
        r.sse = doubleField(rn, "sse");
        r.sae = doubleField(rn, "sae");
        r.sape = doubleField(rn, "sape");
        JsonNode sn = n.get("scores");
        if (sn == null || !sn.isArray()) {
            throw invalid("missing \"scores\" array");
        }
        java.util.Map<SeriesKey, ScoreKind> kinds = new java.util.LinkedHashMap<>();
        for (JsonNode o : sn) {
            SeriesKey key;
            ScoreKind kind;
            try {
                key = new SeriesKey(text(o, "name"), ScoreSource.parse(text(o, "source")));
                kind = ScoreKind.parse(text(o, "kind"));
            } catch (IllegalArgumentException e) {
                throw invalid(e.getMessage());
            }
            if (kinds.put(key, kind) != null) {
                throw invalid("score \"" + key.name() + "\" from " + key.source().wireName() + " appears twice");
            }
            ScoresAcc.Stat st = new ScoresAcc.Stat(kind);
            st.count = positive(count(o, "count"));
            if (kind == ScoreKind.NUMERIC) {
                st.sum = doubleField(o, "sum");
                st.min = doubleField(o, "min");
                st.max = doubleField(o, "max");
            } else if (kind == ScoreKind.BOOLEAN) {
                st.trueCount = count(o, "trueCount");
            } else {
                JsonNode cats = object(o, "categories");
                for (Iterator<Map.Entry<String, JsonNode>> it = cats.fields(); it.hasNext(); ) {
                    Map.Entry<String, JsonNode> e = it.next();
                    if (!e.getValue().canConvertToLong() || e.getValue().asLong() <= 0) {
                        throw invalid("category counts must be positive integers");
                    }
                    st.categories.put(e.getKey(), e.getValue().asLong());
                }
            }
            s.scores.stats.put(key, st);
        }
        v.registerSeries(kinds, true);
        for (Map.Entry<SeriesKey, ScoresAcc.Stat> e : s.scores.stats.entrySet()) {
            Vocabulary.Series series = v.series(e.getKey());
            Map<String, Long> folded = new java.util.HashMap<>();
            e.getValue().categories.forEach((cat, cnt) -> folded.merge(v.category(series, cat), cnt, Long::sum));
            e.getValue().categories.clear();
            e.getValue().categories.putAll(folded);
        }
        JsonNode tn = object(n, "text");
        TextAcc t = s.text;
        t.pairs = count(tn, "pairs");
        long[] m = longs(tn, "matches", TextMetrics.MAX_N);
        long[] tot = longs(tn, "totals", TextMetrics.MAX_N);
        if (m.length != TextMetrics.MAX_N || tot.length != TextMetrics.MAX_N) {
            throw invalid("text.matches and text.totals must hold " + TextMetrics.MAX_N + " counts");
        }
        System.arraycopy(m, 0, t.bleu.matches, 0, TextMetrics.MAX_N);
        System.arraycopy(tot, 0, t.bleu.totals, 0, TextMetrics.MAX_N);
        t.bleu.hypLength = count(tn, "hypLength");
        t.bleu.refLength = count(tn, "refLength");
        t.rouge1 = doubleField(tn, "rouge1");
        t.rouge2 = doubleField(tn, "rouge2");
        t.rougeL = doubleField(tn, "rougeL");
        t.tokens = count(tn, "tokens");
        t.nll = doubleField(tn, "nll");
        return s;
    }

    static IllegalArgumentException invalid(String detail) {
        return new IllegalArgumentException("invalid quality state: " + detail);
    }

    static JsonNode object(JsonNode n, String field) {
        JsonNode o = n.get(field);
        if (o == null || !o.isObject()) {
            throw invalid("missing \"" + field + "\" object");
        }
        return o;
    }

    private static String text(JsonNode n, String field) {
        JsonNode t = n.get(field);
        if (t == null || !t.isTextual()) {
            throw invalid("missing \"" + field + "\" string");
        }
        return t.asText();
    }

    static long count(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || !v.canConvertToLong() || !v.isIntegralNumber() || v.asLong() < 0) {
            throw invalid("\"" + field + "\" must be an integer >= 0");
        }
        return v.asLong();
    }

    private static int intField(JsonNode n, String field) {
        long v = count(n, field);
        if (v > Integer.MAX_VALUE) {
            throw invalid("\"" + field + "\" is too large");
        }
        return (int) v;
    }

    private static double doubleField(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v != null && v.isNumber()) {
            return v.asDouble();
        }
        if (v != null && v.isTextual()) {
            switch (v.asText()) {
                case "NaN":
                    return Double.NaN;
                case "Infinity":
                    return Double.POSITIVE_INFINITY;
                case "-Infinity":
                    return Double.NEGATIVE_INFINITY;
                default:
                    break;
            }
        }
        throw invalid("\"" + field + "\" must be a number");
    }

    private static long[] longs(JsonNode n, String field, int group) {
        JsonNode a = n.get(field);
        if (a == null || !a.isArray() || a.size() % group != 0) {
            throw invalid("\"" + field + "\" must be an array of " + group + "-tuples of integers");
        }
        long[] out = new long[a.size()];
        for (int i = 0; i < out.length; i++) {
            JsonNode x = a.get(i);
            if (!x.isIntegralNumber() || !x.canConvertToLong() || x.asLong() < 0) {
                throw invalid("\"" + field + "\" must hold integers >= 0");
            }
            out[i] = x.asLong();
        }
        return out;
    }

    private static List<String> strings(JsonNode a, String what) {
        if (!a.isArray()) {
            throw invalid("\"" + what + "\" must be an array of strings");
        }
        List<String> out = new ArrayList<>(a.size());
        for (JsonNode x : a) {
            if (!x.isTextual()) {
                throw invalid("\"" + what + "\" must be an array of strings");
            }
            out.add(x.asText());
        }
        return out;
    }

    private static int id(long id, int labels) {
        if (id >= labels) {
            throw invalid("label id " + id + " out of range (" + labels + " labels)");
        }
        return (int) id;
    }

    private static long positive(long count) {
        if (count <= 0) {
            throw invalid("counts must be > 0");
        }
        return count;
    }
}
