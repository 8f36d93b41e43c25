package dev.vitals.server.drift;

import dev.vitals.drift.DatasetProfile;
import dev.vitals.drift.DriftDetector;
import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.FeatureType;
import dev.vitals.drift.Verdict;
import dev.vitals.llm.LlmCall;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.state.HistoryRing;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;
import java.util.logging.Logger;

/**
 * Data drift in the server. Per model and feature it keeps three sketch profiles (DataSketches KLL or
 * frequent items; under 64 KiB each): the reference, the last full window and the running one
 * (window length {@code drift.windowMinutes}, default 60). Every {@code drift.evaluateSeconds} the
 * current data (last full + running window) is compared with the reference in sketch mode.
 *
 * <p>The reference is, in order of precedence: one uploaded as CSV or frozen on request
 * ({@code POST /v1/drift/reference}), else the first full window the server saw (so drift works
 * without setup). References live in the state store and survive restarts.
 *
 * <p>The gateway profiles each call: {@code prompt_tokens}, {@code prompt_chars}, {@code message_count},
 * {@code non_ascii_share}, {@code output_tokens}, {@code response_chars}, {@code latency_seconds}
 * (numeric) and {@code finish_reason} (categorical); clients add their own through {@code POST /v1/features}.
 * Memory: at most maxModels × maxFeatures × 3 profiles.
 */
public final class DriftService {
    private static final Logger LOG = Logger.getLogger(DriftService.class.getName());
    public static final String BLOB_PREFIX = "drift.reference.";

    /** The three profiles of one feature. */
    private static final class Feature {
        final String model;
        final String name;
        final FeatureType type;
        volatile DatasetProfile reference;
        volatile String referenceSource;
        volatile long referenceFrom;
        volatile long referenceTo;
        volatile DatasetProfile previous;
        volatile DatasetProfile current;

        Feature(String model, String name, FeatureType type) {
            this.model = model;
            this.name = name;
            this.type = type;
            this.current = empty(name, type);
        }
    }

    private final VitalsConfig.Drift cfg;
    private final String replicaId;
    static final String CURRENT_PREFIX = "drift.current.";
    private final StateStore store;
    /** Models whose references this replica set since the last save (first window): saved at the next save. */
    private final java.util.Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final LongSupplier clock;
    private final DriftDetector detector;
    private final Map<String, Map<String, Feature>> models = new ConcurrentHashMap<>();
    private volatile Map<String, List<FeatureDrift>> results = Map.of();
    private volatile long windowStart;
    private volatile long previousStart = -1;
    /** Dashboard history: one point per evaluation. */
    private final HistoryRing history = new HistoryRing(1440, 500);

    public DriftService(VitalsConfig.Drift cfg, StateStore store, PrometheusRegistry registry, LongSupplier clock) {
        this(cfg, store, registry, clock, null);
    }

    /**
     * @param replicaId this replica's name when several share the store: it then saves its current
     *                  profiles every minute, and {@link #fleetReport} merges every replica's (null: alone)
     */
    public DriftService(VitalsConfig.Drift cfg, StateStore store, PrometheusRegistry registry, LongSupplier clock, String replicaId) {
        this.replicaId = replicaId;
        this.cfg = cfg;
        this.store = store;
        this.clock = clock;
        DriftDetector.Builder b = DriftDetector.builder().minCount(cfg.minCount);
        cfg.tests.forEach(b::test);
        cfg.thresholds.forEach(b::threshold);
        this.detector = b.build();
        this.windowStart = clock.getAsLong();
        dev.vitals.labels.MetricFamilies families = dev.vitals.labels.MetricFamilies.of(registry);
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_drift_score")
                .help("Drift score of a feature: the test's p-value or distance, current window against the reference.")
                .labelNames("model", "feature", "test"), cb -> results.forEach((m, fs) -> fs.forEach(f -> {
                    if (Double.isFinite(f.score())) {
                        cb.call(f.score(), m, f.feature(), f.test());
                    }
                })));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_drift_detected")
                .help("1 when a feature drifted, 0 when not (no series without a verdict, or with an uncertain one).")
                .labelNames("model", "feature"), cb -> results.forEach((m, fs) -> fs.forEach(f -> {
                    if (decided(f)) {
                        cb.call(f.drifted() ? 1 : 0, m, f.feature());
                    }
                })));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_drift_uncertain")
                .help("1 when a feature's score interval straddles its threshold (sketch mode): no verdict either way.")
                .labelNames("model", "feature"), cb -> results.forEach((m, fs) -> fs.forEach(f -> {
                    if (f.verdict() == Verdict.UNCERTAIN) {
                        cb.call(1, m, f.feature());
                    }
                })));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_drift_share")
                .help("Share of a model's features with a verdict that drifted.")
                .labelNames("model"), cb -> results.forEach((m, fs) -> {
                    double share = share(fs);
                    if (Double.isFinite(share)) {
                        cb.call(share, m);
                    }
                }));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_drift_samples")
                .help("Values compared per feature in the reference and current windows.")
                .labelNames("model", "feature", "window"), cb -> results.forEach((m, fs) -> fs.forEach(f -> {
                    cb.call(f.referenceCount(), m, f.feature(), "reference");
                    cb.call(f.currentCount(), m, f.feature(), "current");
                })));
    }

    static DatasetProfile empty(String name, FeatureType type) {
        return DatasetProfile.builder().feature(name, type).build();
    }

    /** Drift or no drift: a verdict that counts (no verdict and uncertain do not). */
    static boolean decided(FeatureDrift f) {
        return f.verdict() == Verdict.DRIFT || f.verdict() == Verdict.NO_DRIFT;
    }

    private static double share(List<FeatureDrift> fs) {
        long with = fs.stream().filter(DriftService::decided).count();
        return with == 0 ? Double.NaN : fs.stream().filter(FeatureDrift::drifted).count() / (double) with;
    }

    private Feature feature(String model, String name, FeatureType type, boolean strict) {
        Map<String, Feature> fs = models.get(model);
        if (fs == null) {
            if (models.size() >= cfg.maxModels) {
                if (strict) {
                    throw new ApiException(400, "too_many_models", "drift profiles are kept for at most " + cfg.maxModels + " models (drift.maxModels)");
                }
                return null;
            }
            fs = models.computeIfAbsent(model, m -> new ConcurrentHashMap<>());
        }
        Feature f = fs.get(name);
        if (f == null) {
            if (fs.size() >= cfg.maxFeatures) {
                if (strict) {
                    throw new ApiException(400, "too_many_features", "model '" + model + "' has " + fs.size()
                            + " features, the limit (drift.maxFeatures)");
                }
                return null;
            }
            f = fs.computeIfAbsent(name, n -> new Feature(model, n, type));
        }
        if (f.type != type) {
            if (strict) {
                throw new ApiException(400, "wrong_feature_type", "feature '" + name + "' of model '" + model + "' is "
                        + f.type.label() + ", got a " + type.label() + " value");
            }
            return null;
        }
        return f;
    }

    /** Profiles one gateway call; never throws. */
    public void observe(LlmCall c, String promptText, int messageCount, String finishReason) {
        try {
            String m = c.model();
            num(m, "prompt_tokens", c.inputTokens());
            num(m, "prompt_chars", promptText.length());
            num(m, "message_count", messageCount);
            num(m, "non_ascii_share", nonAsciiShare(promptText));
            num(m, "output_tokens", c.outputTokens());
            num(m, "response_chars", c.responseChars());
            num(m, "latency_seconds", c.durationSeconds());
            Feature f = feature(m, "finish_reason", FeatureType.CATEGORICAL, false);
            if (f != null) {
                f.current.update("finish_reason", c.success() ? (finishReason == null ? "unknown" : finishReason) : "error");
            }
        } catch (RuntimeException e) {
            // an observer: never fail the request
        }
    }

    private void num(String model, String name, double v) {
        Feature f = feature(model, name, FeatureType.NUMERIC, false);
        if (f != null) {
            f.current.update(name, v);
        }
    }

    static double nonAsciiShare(String s) {
        if (s.isEmpty()) {
            return 0;
        }
        int n = 0;
        for (int i = 0; i < s.length(); i++) {
            if (s.charAt(i) > 127) {
                n++;
            }
        }
        return n / (double) s.length();
    }

    /** {@code POST /v1/features}: {"model": M, "records": [{"feature": value, ...}]}; all or nothing. */
    public synchronized int features(JsonObject body) {
        Map<String, Feature> existing = models.getOrDefault(DriftRequests.model(body), Map.of());
        DriftRequests.Features batch = DriftRequests.features(body, k -> existing.containsKey(k) ? existing.get(k).type : null);
        String model = batch.model();
        JsonArray records = batch.records();
        Map<String, FeatureType> types = batch.types();
        long newFeatures = types.keySet().stream().filter(k -> !existing.containsKey(k)).count();
        if (!models.containsKey(model) && models.size() >= cfg.maxModels) {
            throw new ApiException(400, "too_many_models", "drift profiles are kept for at most " + cfg.maxModels + " models (drift.maxModels)");
        }
        if (existing.size() + newFeatures > cfg.maxFeatures) {
            throw new ApiException(400, "too_many_features", "model '" + model + "' would have " + (existing.size() + newFeatures)
                    + " features, more than drift.maxFeatures (" + cfg.maxFeatures + ")");
        }
        for (int i = 0; i < records.size(); i++) {
            JsonObject r = records.getJsonObject(i);
            for (String k : r.fieldNames()) {
                Object v = r.getValue(k);
                FeatureType t = types.get(k);
                if (t == null) {
                    continue; // only nulls seen, and the feature is unknown: nothing to type it by
                }
                Feature f = feature(model, k, t, true);
                if (v == null) {
                    f.current.updateNull(k);
                } else if (t == FeatureType.NUMERIC) {
                    f.current.update(k, ((Number) v).doubleValue());
                } else {
                    f.current.update(k, String.valueOf(v));
                }
            }
        }
        return records.size();
    }

    /** Rotates windows and recomputes drift; the server calls it every {@code evaluateSeconds} on a worker. */
    public synchronized void evaluate() {
        long now = clock.getAsLong();
        long length = cfg.windowMinutes * 60_000L;
        if (now - windowStart >= length) {
            for (Map<String, Feature> fs : models.values()) {
                for (Feature f : fs.values()) {
                    DatasetProfile full = f.current;
                    f.previous = full;
                    f.current = empty(f.name, f.type);
                    if (f.reference == null && full.feature(f.name).count() > 0) {
                        f.reference = full.copy();
                        dirty.add(f.model);
                        f.referenceSource = "first_window";
                        f.referenceFrom = windowStart;
                        f.referenceTo = now;
                    }
                }
            }
            previousStart = windowStart;
            windowStart = now;
        }
        Map<String, List<FeatureDrift>> out = new LinkedHashMap<>();
        models.forEach((m, fs) -> {
            List<FeatureDrift> list = new ArrayList<>();
            fs.values().forEach(f -> {
                if (f.reference != null) {
                    list.add(detector.compare(f.reference, currentOf(f)).feature(f.name));
                }
            });
            if (!list.isEmpty()) {
                out.put(m, list);
            }
        });
        results = out;
        recordHistory(now, out);
    }

    private static DatasetProfile currentOf(Feature f) {
        DatasetProfile cur = f.current.copy();
        DatasetProfile prev = f.previous;
        return prev == null ? cur : cur.merge(prev);
    }

    private void recordHistory(long now, Map<String, List<FeatureDrift>> out) {
        Map<String, Double> point = new LinkedHashMap<>();
        out.forEach((m, fs) -> fs.forEach(f -> point.put(m + " " + f.feature() + " (" + f.test() + ")", f.score())));
        history.record(now, point);
    }

    /**
     * {@code {timestamps, series, latest}} of drift scores since {@code fromMillis}, for one model or all:
     * {@code latest} gives each series' last verdict ({@code score}, {@code threshold}, {@code test},
     * {@code drifted}), so the dashboard can highlight drifted features.
     */
    public JsonObject history(String model, long fromMillis) {
        boolean all = model == null || model.equals("*");
        JsonObject latest = new JsonObject();
        results.forEach((m, fs) -> {
            if (!all && !m.equals(model)) {
                return;
            }
            fs.forEach(f -> {
                String key = (all ? m + " " : "") + f.feature() + " (" + f.test() + ")";
                latest.put(key, new JsonObject().put("score", finite(f.score())).put("threshold", f.threshold())
                        .put("test", f.test()).put("drifted", f.drifted()));
            });
        });
        return history.json(model, fromMillis).put("latest", latest);
    }

    /** {@code GET /v1/drift?model=M}: the last evaluation. */
    public JsonObject report(String model) {
        if (model == null) {
            throw new ApiException(400, "missing_model", "'model' is required; models with drift profiles: " + models.keySet());
        }
        Map<String, Feature> fs = models.get(model);
        if (fs == null) {
            throw new ApiException(404, "unknown_model", "no drift profiles for model '" + ApiException.cut(model) + "'; models: "
                    + models.keySet());
        }
        return describe(model, fs, results.getOrDefault(model, List.of())).put("scope", "replica");
    }

    private JsonObject describe(String model, Map<String, Feature> fs, List<FeatureDrift> list) {
        JsonArray features = new JsonArray();
        for (FeatureDrift f : list) {
            features.add(new JsonObject().put("feature", f.feature()).put("type", f.type().label()).put("test", f.test())
                    .put("score", finite(f.score())).put("score_lower", finite(f.scoreLower())).put("score_upper", finite(f.scoreUpper()))
                    .put("threshold", f.threshold()).put("verdict", f.verdict().name().toLowerCase(java.util.Locale.ROOT))
                    .put("drifted", f.drifted()).put("reference_count", f.referenceCount()).put("current_count", f.currentCount())
                    .put("reference_nulls", f.referenceNulls()).put("current_nulls", f.currentNulls()).put("reason", f.reason()));
        }
        JsonArray waiting = new JsonArray();
        fs.values().forEach(f -> {
            if (f.reference == null) {
                waiting.add(f.name);
            }
        });
        JsonObject refs = new JsonObject();
        fs.values().forEach(f -> {
            if (f.reference != null) {
                refs.put(f.name, new JsonObject().put("source", f.referenceSource).put("from", f.referenceFrom).put("to", f.referenceTo));
            }
        });
        double share = share(list);
        int decided = (int) list.stream().filter(DriftService::decided).count();
        int drifted = (int) list.stream().filter(FeatureDrift::drifted).count();
        int uncertain = (int) list.stream().filter(f -> f.verdict() == Verdict.UNCERTAIN).count();
        Verdict verdict = DriftDetector.datasetVerdict(drifted, decided, uncertain, 0.5);
        return new JsonObject().put("model", model)
                .put("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT))
                .put("min_count", cfg.minCount)
                .put("drift_share", finite(share)).put("features", features)
                .put("features_without_reference", waiting).put("references", refs)
                .put("current_window", new JsonObject().put("from", previousStart >= 0 ? previousStart : windowStart)
                        .put("to", clock.getAsLong()).put("window_minutes", cfg.windowMinutes));
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Freezes the current data (last full + running window) of a model as its reference. */
    public synchronized int freeze(String model) {
        Map<String, Feature> fs = models.get(model);
        if (fs == null) {
            throw new ApiException(404, "unknown_model", "no drift profiles for model '" + ApiException.cut(model) + "'");
        }
        long now = clock.getAsLong();
        int n = 0;
        for (Feature f : fs.values()) {
            DatasetProfile cur = currentOf(f);
            if (cur.feature(f.name).count() > 0) {
                f.reference = cur;
                f.referenceSource = "frozen";
                f.referenceFrom = previousStart >= 0 ? previousStart : windowStart;
                f.referenceTo = now;
                n++;
            }
        }
        if (n == 0) {
            throw new ApiException(409, "empty_window", "model '" + model + "' has no data in its current window to freeze");
        }
        saveReferences(model, fs);
        return n;
    }

    /** Sets uploaded reference profiles (from a CSV), replacing the model's references for those features. */
    public synchronized void setReference(String model, Map<String, DatasetProfile> profiles) {
        Map<String, Feature> fs = models.get(model);
        for (Map.Entry<String, DatasetProfile> e : profiles.entrySet()) {
            FeatureType t = e.getValue().feature(e.getKey()).type();
            if (fs != null && fs.containsKey(e.getKey()) && fs.get(e.getKey()).type != t) {
                throw new ApiException(400, "wrong_feature_type", "column '" + e.getKey() + "' is " + t.label()
                        + " but the model's feature is " + fs.get(e.getKey()).type.label());
            }
        }
        long now = clock.getAsLong();
        for (Map.Entry<String, DatasetProfile> e : profiles.entrySet()) {
            Feature f = feature(model, e.getKey(), e.getValue().feature(e.getKey()).type(), true);
            f.reference = e.getValue();
            f.referenceSource = "uploaded";
            f.referenceFrom = now;
            f.referenceTo = now;
        }
        saveReferences(model, models.get(model));
    }

    /** Saves references (and, on a shared store, current profiles) to the store; blocking. */
    public void save() {
        models.forEach((m, fs) -> {
            if (dirty.remove(m)) {
                saveReferences(m, fs); // only references this replica set: a shared store keeps the last one set
            }
            if (replicaId != null) {
                store.putBlob(CURRENT_PREFIX + replicaId + "/" + m, profiles(fs.values(), DriftService::currentOf));
            }
        });
    }

    private void saveReferences(String m, Map<String, Feature> fs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(1);
            List<Feature> withRef = fs.values().stream().filter(f -> f.reference != null).toList();
            out.writeInt(withRef.size());
            for (Feature f : withRef) {
                out.writeUTF(f.name);
                out.writeUTF(f.referenceSource);
                out.writeLong(f.referenceFrom);
                out.writeLong(f.referenceTo);
                byte[] p = f.reference.toBytes();
                out.writeInt(p.length);
                out.write(p);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        store.putBlob(BLOB_PREFIX + m, bytes.toByteArray());
    }

    /** name, type, profile bytes per feature, with the time they were taken. */
    private byte[] profiles(java.util.Collection<Feature> fs, java.util.function.Function<Feature, DatasetProfile> which) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(1);
            out.writeLong(clock.getAsLong());
            out.writeInt(fs.size());
            for (Feature f : fs) {
                out.writeUTF(f.name);
                byte[] p = which.apply(f).toBytes();
                out.writeInt(p.length);
                out.write(p);
            }
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    /**
     * The fleet-wide drift of a model ({@code GET /v1/drift}, the default on a shared store): this
     * replica's current window merged with the other replicas' current windows as they last saved them
     * (every minute), against the model's reference. Says which replicas it covers and when their data
     * was taken. Blocking.
     */
    public JsonObject fleetReport(String model) {
        if (replicaId == null) {
            return report(model);
        }
        if (model == null) {
            throw new ApiException(400, "missing_model", "'model' is required; models with drift profiles: " + models.keySet());
        }
        // references are shared through the store: take the one saved last (by any replica)
        restore(List.of(model));
        Map<String, Feature> fs = models.get(model);
        Map<String, DatasetProfile> merged = new LinkedHashMap<>();
        JsonArray replicas = new JsonArray();
        if (fs != null) {
            fs.values().forEach(f -> merged.put(f.name, currentOf(f)));
            if (merged.entrySet().stream().anyMatch(e -> e.getValue().feature(e.getKey()).count() > 0)) {
                replicas.add(new JsonObject().put("replica", replicaId).put("live", true));
            }
        }
        for (String name : store.blobNames(CURRENT_PREFIX)) {
            String rest = name.substring(CURRENT_PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash < 0 || !rest.substring(slash + 1).equals(model) || rest.substring(0, slash).equals(replicaId)) {
                continue;
            }
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(store.getBlob(name)))) {
                if (in.readInt() != 1) {
                    throw new IOException("unknown format");
                }
                long takenAt = in.readLong();
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    String feature = in.readUTF();
                    byte[] p = new byte[in.readInt()];
                    in.readFully(p);
                    DatasetProfile prof = DatasetProfile.fromBytes(p);
                    DatasetProfile mine = merged.get(feature);
                    if (mine == null) {
                        merged.put(feature, prof);
                    } else if (mine.feature(feature).type() == prof.feature(feature).type()) {
                        mine.merge(prof);
                    }
                }
                replicas.add(new JsonObject().put("replica", rest.substring(0, slash)).put("taken_at", takenAt));
            } catch (IOException | RuntimeException e) {
                LOG.warning("drift profiles of a replica skipped: " + e.getMessage());
            }
        }
        if (merged.isEmpty()) {
            throw new ApiException(404, "unknown_model", "no drift profiles for model '" + ApiException.cut(model) + "' on any replica");
        }
        List<FeatureDrift> list = new ArrayList<>();
        Map<String, Feature> own = fs == null ? Map.of() : fs;
        merged.forEach((feature, cur) -> {
            Feature f = own.get(feature);
            if (f != null && f.reference != null && f.reference.feature(feature).type() == cur.feature(feature).type()) {
                list.add(detector.compare(f.reference, cur).feature(feature));
            }
        });
        return describe(model, own, list).put("scope", "fleet").put("replicas", replicas);
    }

    /** Restores the references of a model seen before; blocking. */
    public void restore(List<String> modelNames) {
        for (String m : modelNames) {
            byte[] b = store.getBlob(BLOB_PREFIX + m);
            if (b == null) {
                continue;
            }
            try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(b))) {
                if (in.readInt() != 1) {
                    throw new IOException("unknown format");
                }
                int n = in.readInt();
                for (int i = 0; i < n; i++) {
                    String name = in.readUTF();
                    String source = in.readUTF();
                    long from = in.readLong();
                    long to = in.readLong();
                    byte[] p = new byte[in.readInt()];
                    in.readFully(p);
                    DatasetProfile prof = DatasetProfile.fromBytes(p);
                    Feature f = feature(m, name, prof.feature(name).type(), false);
                    if (f != null) {
                        f.reference = prof;
                        f.referenceSource = source;
                        f.referenceFrom = from;
                        f.referenceTo = to;
                    }
                }
            } catch (IOException | RuntimeException e) {
                LOG.warning("stored drift references of a model ignored: " + e.getMessage());
            }
        }
    }

    /** The last evaluation's scores: model to "drift:<feature>" to score, for the baselines. */
    public Map<String, Map<String, Double>> scores() {
        Map<String, Map<String, Double>> out = new LinkedHashMap<>();
        results.forEach((m, fs) -> fs.forEach(f -> {
            if (Double.isFinite(f.score())) {
                out.computeIfAbsent(m, k -> new LinkedHashMap<>()).put("drift:" + f.feature(), f.score());
            }
        }));
        return out;
    }

    /** Whether several replicas share the store. */
    public boolean shared() {
        return replicaId != null;
    }

    /** Models with profiles. */
    public java.util.Set<String> models() {
        return models.keySet();
    }
}
