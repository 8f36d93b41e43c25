package dev.vitals.server.drift;

import dev.vitals.drift.DatasetDrift;
import dev.vitals.drift.DriftDetector;
import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.Verdict;
import dev.vitals.server.config.VitalsConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;

/**
 * A model's drift ({@code GET /v1/drift?model=M}), written as JSON by {@link DriftReports#report}.
 *
 * @param scope this replica's windows, or the fleet's (merged with the other replicas')
 * @param drift the features with a reference, compared, and the model's verdict and drift share
 * @param minCount the values a window needs for a verdict ({@code drift.minCount})
 * @param withoutReference features that have no reference yet
 * @param references each referenced feature's reference: where it came from and the time it covers
 * @param window the current window compared
 * @param replicas the replicas a fleet report covers (empty for a replica's own)
 */
public record DriftReport(String model, Scope scope, DatasetDrift drift, long minCount, List<String> withoutReference,
                          Map<String, Reference> references, Window window, List<Replica> replicas) {

    public DriftReport {
        withoutReference = List.copyOf(withoutReference);
        references = Collections.unmodifiableMap(new LinkedHashMap<>(references));
        replicas = List.copyOf(replicas);
    }

    /** Whose windows a report compares. */
    public enum Scope {
        /** This replica's. */
        REPLICA,
        /** Every replica's, merged: this one's live and the others' as last saved. */
        FLEET
    }

    /** A feature's reference: {@code uploaded}, {@code frozen} or {@code first_window}, and the time it covers. */
    public record Reference(String source, long from, long to) {
    }

    /** The current window: from the start of the last full window (or of the running one) to now. */
    public record Window(long from, long to, int minutes) {
    }

    /**
     * A replica whose data a fleet report merged.
     *
     * @param takenAt when it saved the profiles merged; absent for this replica's own (live) data
     */
    public record Replica(String name, OptionalLong takenAt) {
    }

    /** A report of features {@code fs}, of which {@code list} were compared. */
    static DriftReport of(String model, Scope scope, Collection<DriftFeature> fs, List<FeatureDrift> list, VitalsConfig.Drift cfg,
                          Window window, List<Replica> replicas) {
        List<String> waiting = new ArrayList<>();
        Map<String, Reference> refs = new LinkedHashMap<>();
        for (DriftFeature f : fs) {
            if (f.reference == null) {
                waiting.add(f.name);
            } else {
                refs.put(f.name, new Reference(f.referenceSource, f.referenceFrom, f.referenceTo));
            }
        }
        return new DriftReport(model, scope, dataset(list), cfg.minCount, waiting, refs, window, replicas);
    }

    /** Drift or no drift: a verdict that counts (no verdict and uncertain do not). */
    static boolean decided(FeatureDrift f) {
        return f.verdict() == Verdict.DRIFT || f.verdict() == Verdict.NO_DRIFT;
    }

    /** The share of the decided features that drifted; NaN when none is decided. */
    static double share(List<FeatureDrift> fs) {
        long with = fs.stream().filter(DriftReport::decided).count();
        return with == 0 ? Double.NaN : fs.stream().filter(FeatureDrift::drifted).count() / (double) with;
    }

    /** The dataset view of features compared: drifted and decided counts, share and verdict (half of the decided). */
    static DatasetDrift dataset(List<FeatureDrift> list) {
        int decided = (int) list.stream().filter(DriftReport::decided).count();
        int drifted = (int) list.stream().filter(FeatureDrift::drifted).count();
        int uncertain = (int) list.stream().filter(f -> f.verdict() == Verdict.UNCERTAIN).count();
        return new DatasetDrift(list, drifted, decided, share(list), 0.5,
                DriftDetector.datasetVerdict(drifted, decided, uncertain, 0.5));
    }
}
