package dev.vitals.server.drift;

import dev.vitals.drift.DatasetProfile;
import dev.vitals.drift.DriftDetector;
import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.FeatureType;
import dev.vitals.llm.LlmCall;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.state.HistoryRing;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
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

    private final VitalsConfig.Drift cfg;
    private final String replicaId;
    static final String CURRENT_PREFIX = "drift.current.";
    private final StateStore store;
    /** Models whose references this replica set since the last save (first window): saved at the next save. */
    private final java.util.Set<String> dirty = ConcurrentHashMap.newKeySet();
    private final LongSupplier clock;
    private final DriftDetector detector;
    private final Map<String, Map<String, DriftFeature>> models = new ConcurrentHashMap<>();
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
        DriftMeters.bind(registry, () -> results);
    }

    static DatasetProfile empty(String name, FeatureType type) {
        return DatasetProfile.builder().feature(name, type).build();
    }

    /** A model's feature, made when the caps allow; when a cap or its type refuses: null, or a 400 when strict. */
    private DriftFeature feature(String model, String name, FeatureType type, boolean strict) {
        Map<String, DriftFeature> fs = models.get(model);
        if (fs == null) {
            if (models.size() >= cfg.maxModels) {
                if (strict) {
                    throw new ApiException(400, "too_many_models", "drift profiles are kept for at most " + cfg.maxModels + " models (drift.maxModels)");
                }
                return null;
            }
            fs = models.computeIfAbsent(model, m -> new ConcurrentHashMap<>());
        }
        DriftFeature f = fs.get(name);
        if (f == null) {
            if (fs.size() >= cfg.maxFeatures) {
                if (strict) {
                    throw new ApiException(400, "too_many_features", "model '" + model + "' has " + fs.size()
                            + " features, the limit (drift.maxFeatures)");
                }
                return null;
            }
            f = fs.computeIfAbsent(name, n -> new DriftFeature(model, n, type));
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
            num(m, "non_ascii_share", DriftFeature.nonAsciiShare(promptText));
            num(m, "output_tokens", c.outputTokens());
            num(m, "response_chars", c.responseChars());
            num(m, "latency_seconds", c.durationSeconds());
            DriftFeature f = feature(m, "finish_reason", FeatureType.CATEGORICAL, false);
            if (f != null) {
                f.current.update("finish_reason", c.success() ? (finishReason == null ? "unknown" : finishReason) : "error");
            }
        } catch (RuntimeException e) {
            // an observer: never fail the request
        }
    }

    private void num(String model, String name, double v) {
        DriftFeature f = feature(model, name, FeatureType.NUMERIC, false);
        if (f != null) {
            f.current.update(name, v);
        }
    }

    /** A feature's type for a model, or null when the model has no such feature yet. */
    public FeatureType featureType(String model, String feature) {
        Map<String, DriftFeature> fs = models.get(model);
        DriftFeature f = fs == null ? null : fs.get(feature);
        return f == null ? null : f.type;
    }

    /** {@code POST /v1/features}: a parsed batch, all or nothing; in memory only. */
    public synchronized int features(FeatureBatch batch) {
        int n = checkFeatures(batch);
        applyFeatures(batch);
        return n;
    }

    /** Checks a parsed batch against the caps and the known types, changing nothing; returns its records. */
    public synchronized int checkFeatures(FeatureBatch batch) {
        String model = batch.model();
        Map<String, DriftFeature> existing = models.getOrDefault(model, Map.of());
        DriftRequests.checkTypes(batch, k -> existing.containsKey(k) ? existing.get(k).type : null);
        long newFeatures = batch.types().keySet().stream().filter(k -> !existing.containsKey(k)).count();
        if (!models.containsKey(model) && models.size() >= cfg.maxModels) {
            throw new ApiException(400, "too_many_models", "drift profiles are kept for at most " + cfg.maxModels + " models (drift.maxModels)");
        }
        if (existing.size() + newFeatures > cfg.maxFeatures) {
            throw new ApiException(400, "too_many_features", "model '" + model + "' would have " + (existing.size() + newFeatures)
                    + " features, more than drift.maxFeatures (" + cfg.maxFeatures + ")");
        }
        return batch.size();
    }

    /**
     * Adds a checked batch to the current window. A feature a batch stored meanwhile made impossible (its
     * type, a cap) is skipped rather than failing what is already stored (a journaled batch replays here too).
     */
    private synchronized void applyFeatures(FeatureBatch batch) {
        for (Map<String, Object> r : batch.rows()) {
            r.forEach((k, v) -> {
                FeatureType t = batch.types().get(k);
                if (t == null) {
                    return; // only nulls seen, and the feature is unknown: nothing to type it by
                }
                DriftFeature f = feature(batch.model(), k, t, false);
                if (f == null) {
                    return;
                }
                if (v == null) {
                    f.current.updateNull(k);
                } else if (t == FeatureType.NUMERIC) {
                    f.current.update(k, (Double) v);
                } else {
                    f.current.update(k, (String) v);
                }
            });
        }
    }

    /** Rotates windows and recomputes drift; the server calls it every {@code evaluateSeconds} on a worker. */
    public synchronized void evaluate() {
        long now = clock.getAsLong();
        long length = cfg.windowMinutes * 60_000L;
        if (now - windowStart >= length) {
            for (Map<String, DriftFeature> fs : models.values()) {
                for (DriftFeature f : fs.values()) {
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
        DriftHistory.record(history, now, out);
    }

    private long currentFrom() {
        return previousStart >= 0 ? previousStart : windowStart;
    }

    static DatasetProfile currentOf(DriftFeature f) {
        DatasetProfile cur = f.current.copy();
        DatasetProfile prev = f.previous;
        return prev == null ? cur : cur.merge(prev);
    }

    /**
     * Drift scores since {@code fromMillis}, for one model or all ({@code null} or {@code *}), with each series' last
     * result, so the dashboard can highlight drifted features. A series is named {@code <feature> (<test>)}, prefixed
     * with {@code <model> } when all models are shown.
     */
    public DriftHistory history(String model, long fromMillis) {
        boolean all = model == null || model.equals("*");
        Map<String, FeatureDrift> latest = new LinkedHashMap<>();
        results.forEach((m, fs) -> {
            if (all || m.equals(model)) {
                fs.forEach(f -> latest.put(DriftHistory.series(all ? m : null, f), f));
            }
        });
        return new DriftHistory(model, history.snapshot(model, fromMillis), latest);
    }

    /** {@code GET /v1/drift?model=M}: the last evaluation. */
    public DriftReport report(String model) {
        if (model == null) {
            throw new ApiException(400, "missing_model", "'model' is required; models with drift profiles: " + models.keySet());
        }
        Map<String, DriftFeature> fs = models.get(model);
        if (fs == null) {
            throw new ApiException(404, "unknown_model", "no drift profiles for model '" + ApiException.cut(model) + "'; models: "
                    + models.keySet());
        }
        return describe(model, DriftReport.Scope.REPLICA, fs, results.getOrDefault(model, List.of()), List.of());
    }

    private DriftReport describe(String model, DriftReport.Scope scope, Map<String, DriftFeature> fs, List<FeatureDrift> list,
                                 List<DriftReport.Replica> replicas) {
        return DriftReport.of(model, scope, fs.values(), list, cfg, new DriftReport.Window(currentFrom(), clock.getAsLong(),
                cfg.windowMinutes), replicas);
    }

    /** Freezes the current data (last full + running window) of a model as its reference. */
    public synchronized int freeze(String model) {
        Map<String, DriftFeature> fs = models.get(model);
        if (fs == null) {
            throw new ApiException(404, "unknown_model", "no drift profiles for model '" + ApiException.cut(model) + "'");
        }
        long now = clock.getAsLong();
        int n = 0;
        for (DriftFeature f : fs.values()) {
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
        store.putBlob(BLOB_PREFIX + model, DriftBlobs.references(DriftBlobs.referencesOf(fs.values())));
        return n;
    }

    /** Sets uploaded reference profiles (from a CSV), replacing the model's references for those features. */
    public synchronized void setReference(String model, Map<String, DatasetProfile> profiles) {
        Map<String, DriftFeature> fs = models.get(model);
        int added = 0;
        for (Map.Entry<String, DatasetProfile> e : profiles.entrySet()) {
            FeatureType t = e.getValue().feature(e.getKey()).type();
            DriftFeature f = fs == null ? null : fs.get(e.getKey());
            if (f == null) {
                added++;
            } else if (f.type != t) {
                throw new ApiException(400, "wrong_feature_type", "column '" + e.getKey() + "' is " + t.label()
                        + " but the model's feature is " + f.type.label());
            }
        }
        // every limit is checked before anything changes: a refused upload leaves no feature or reference behind
        if (fs == null && models.size() >= cfg.maxModels) {
            throw new ApiException(400, "too_many_models", "drift profiles are kept for at most " + cfg.maxModels + " models (drift.maxModels)");
        }
        if ((fs == null ? 0 : fs.size()) + added > cfg.maxFeatures) {
            throw new ApiException(400, "too_many_features", "model '" + model + "' has " + cfg.maxFeatures
                    + " features, the limit (drift.maxFeatures)");
        }
        long now = clock.getAsLong();
        Map<String, DriftBlobs.Reference> refs = new java.util.TreeMap<>();
        if (fs != null) {
            DriftBlobs.referencesOf(fs.values()).forEach(r -> refs.put(r.name(), r));
        }
        profiles.forEach((name, p) -> refs.put(name, new DriftBlobs.Reference(name, "uploaded", now, now, p)));
        // stored first: a 2xx means the reference survives a crash, a failed write changes nothing in memory
        store.putBlob(BLOB_PREFIX + model, DriftBlobs.references(refs.values()));
        for (Map.Entry<String, DatasetProfile> e : profiles.entrySet()) {
            DriftFeature f = feature(model, e.getKey(), e.getValue().feature(e.getKey()).type(), true);
            f.reference = e.getValue();
            f.referenceSource = "uploaded";
            f.referenceFrom = now;
            f.referenceTo = now;
        }
    }

    /** Saves references (and, on a shared store, current profiles) to the store; blocking. */
    public void save() {
        if (journal != null) {
            journal.checkpoint();
        }
        models.forEach((m, fs) -> {
            if (dirty.remove(m)) {
                store.putBlob(BLOB_PREFIX + m, DriftBlobs.references(DriftBlobs.referencesOf(fs.values()))); // only references this replica set: a shared store keeps the last one set
            }
            if (replicaId != null) {
                store.putBlob(CURRENT_PREFIX + replicaId + "/" + m, DriftBlobs.profiles(fs.values(), DriftService::currentOf, clock.getAsLong()));
            }
        });
    }

    /**
     * The fleet-wide drift of a model ({@code GET /v1/drift}, the default on a shared store): this
     * replica's current window merged with the other replicas' current windows as they last saved them
     * (every minute), against the model's reference. Says which replicas it covers and when their data
     * was taken. Blocking.
     */
    public DriftReport fleetReport(String model) {
        if (replicaId == null) {
            return report(model);
        }
        if (model == null) {
            throw new ApiException(400, "missing_model", "'model' is required; models with drift profiles: " + models.keySet());
        }
        // references are shared through the store: take the one saved last (by any replica)
        restore(List.of(model));
        Map<String, DriftFeature> fs = models.get(model);
        Map<String, DatasetProfile> merged = new LinkedHashMap<>();
        List<DriftReport.Replica> replicas = new ArrayList<>();
        if (fs != null) {
            fs.values().forEach(f -> merged.put(f.name, currentOf(f)));
            if (merged.entrySet().stream().anyMatch(e -> e.getValue().feature(e.getKey()).count() > 0)) {
                replicas.add(new DriftReport.Replica(replicaId, java.util.OptionalLong.empty()));
            }
        }
        replicas.addAll(DriftBlobs.mergeOthers(store, replicaId, model, merged));
        if (merged.isEmpty()) {
            throw new ApiException(404, "unknown_model", "no drift profiles for model '" + ApiException.cut(model) + "' on any replica");
        }
        List<FeatureDrift> list = new ArrayList<>();
        Map<String, DriftFeature> own = fs == null ? Map.of() : fs;
        merged.forEach((feature, cur) -> {
            DriftFeature f = own.get(feature);
            if (f != null && f.reference != null && f.reference.feature(feature).type() == cur.feature(feature).type()) {
                list.add(detector.compare(f.reference, cur).feature(feature));
            }
        });
        return describe(model, DriftReport.Scope.FLEET, own, list, replicas);
    }

    /** Restores the references of a model seen before; blocking. */
    public void restore(List<String> modelNames) {
        for (String m : modelNames) {
            byte[] b = store.getBlob(BLOB_PREFIX + m);
            if (b == null) {
                continue;
            }
            try {
                DriftBlobs.readReferences(b, (name, source, from, to, prof) -> {
                    DriftFeature f = feature(m, name, prof.feature(name).type(), false);
                    if (f != null) {
                        f.reference = prof;
                        f.referenceSource = source;
                        f.referenceFrom = from;
                        f.referenceTo = to;
                    }
                });
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

    // ---- durability (issue #16): uploaded features are journaled, windows checkpointed ------------

    private volatile DriftJournal journal;

    /**
     * Makes {@code POST /v1/features} durable: {@link #storeFeatures} journals each batch before it is applied,
     * {@link #save} checkpoints the windows; restores the last checkpoint and replays the journal since; blocking.
     */
    public void durable(dev.vitals.server.store.GroupCommitter writer, String replica) {
        this.journal = new DriftJournal(store, writer, replica, new DriftJournal.Windows() {
            @Override
            public byte[] snapshot() {
                return DriftBlobs.windows(windowStart, previousStart, models);
            }

            @Override
            public void restore(byte[] bytes) {
                long[] starts = DriftBlobs.readWindows(bytes, (m, name, c, prev) -> {
                    DriftFeature f = feature(m, name, c.feature(name).type(), false);
                    if (f != null) {
                        f.current = c;
                        f.previous = prev;
                    }
                });
                windowStart = starts[0];
                previousStart = starts[1];
            }

            @Override
            public void apply(FeatureBatch batch) {
                applyFeatures(batch);
            }
        }, this);
        journal.restore();
    }

    /**
     * {@code POST /v1/features}, durable: checked, journaled (the 2xx means stored), then applied; blocking.
     * Without {@link #durable} the same as {@link #features}.
     */
    public int storeFeatures(FeatureBatch batch) {
        DriftJournal j = journal;
        if (j == null) {
            return features(batch);
        }
        int n = checkFeatures(batch);
        j.store(batch);
        return n;
    }
}
