package dev.vitals.server.drift;

import dev.vitals.drift.DatasetProfile;
import dev.vitals.drift.DriftDetector;
import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.Verdict;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.state.HistoryRing;
import dev.vitals.server.store.StateStore;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.logging.Logger;

/** The drift report's JSON and the fleet's merge of the other replicas' saved profiles. */
final class DriftReports {
    private static final Logger LOG = Logger.getLogger(DriftReports.class.getName());

    private DriftReports() {
    }

    static boolean decided(FeatureDrift f) {
        return f.verdict() == Verdict.DRIFT || f.verdict() == Verdict.NO_DRIFT;
    }

    static double share(List<FeatureDrift> fs) {
        long with = fs.stream().filter(DriftReports::decided).count();
        return with == 0 ? Double.NaN : fs.stream().filter(FeatureDrift::drifted).count() / (double) with;
    }

    static JsonObject describe(String model, Map<String, DriftFeature> fs, List<FeatureDrift> list, VitalsConfig.Drift cfg,
                               long from, long to) {
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
        int decided = (int) list.stream().filter(DriftReports::decided).count();
        int drifted = (int) list.stream().filter(FeatureDrift::drifted).count();
        int uncertain = (int) list.stream().filter(f -> f.verdict() == Verdict.UNCERTAIN).count();
        Verdict verdict = DriftDetector.datasetVerdict(drifted, decided, uncertain, 0.5);
        return new JsonObject().put("model", model)
                .put("verdict", verdict.name().toLowerCase(java.util.Locale.ROOT))
                .put("min_count", cfg.minCount)
                .put("drift_share", finite(share)).put("features", features)
                .put("features_without_reference", waiting).put("references", refs)
                .put("current_window", new JsonObject().put("from", from).put("to", to).put("window_minutes", cfg.windowMinutes));
    }

    static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    /** Merges every other replica's saved current profiles of {@code model} into {@code merged}; lists them in {@code replicas}. */
    static void mergeOthers(StateStore store, String replicaId, String model, Map<String, DatasetProfile> merged, JsonArray replicas) {
        for (String name : store.blobNames(DriftService.CURRENT_PREFIX)) {
            String rest = name.substring(DriftService.CURRENT_PREFIX.length());
            int slash = rest.indexOf('/');
            if (slash < 0 || !rest.substring(slash + 1).equals(model) || rest.substring(0, slash).equals(replicaId)) {
                continue;
            }
            try {
                long takenAt = DriftBlobs.readProfiles(store.getBlob(name), (feature, prof) -> {
                    DatasetProfile mine = merged.get(feature);
                    if (mine == null) {
                        merged.put(feature, prof);
                    } else if (mine.feature(feature).type() == prof.feature(feature).type()) {
                        mine.merge(prof);
                    }
                });
                replicas.add(new JsonObject().put("replica", rest.substring(0, slash)).put("taken_at", takenAt));
            } catch (IOException | RuntimeException e) {
                LOG.warning("drift profiles of a replica skipped: " + e.getMessage());
            }
        }
    }

    static JsonObject history(HistoryRing history, Map<String, List<FeatureDrift>> results, String model, long fromMillis) {
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

    static void recordHistory(HistoryRing history, long now, Map<String, List<FeatureDrift>> out) {
        Map<String, Double> point = new LinkedHashMap<>();
        out.forEach((m, fs) -> fs.forEach(f -> point.put(m + " " + f.feature() + " (" + f.test() + ")", f.score())));
        history.record(now, point);
    }
}
