package dev.vitals.server.cli.drift;

import dev.vitals.drift.DatasetDrift;
import dev.vitals.drift.DriftDetector;
import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.FeatureType;
import dev.vitals.drift.RawColumns;
import dev.vitals.drift.StatTest;
import dev.vitals.drift.Verdict;
import dev.vitals.server.csv.CsvColumns.Column;
import dev.vitals.server.csv.Numbers;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.IntStream;

/**
 * The comparison of {@code vitals drift}, one column at a time: a numeric column's values stay in their compact
 * form as read ({@link dev.vitals.server.csv.Numbers}) until its turn, are then written in ascending order into
 * two buffers that each worker reuses for every column (no array of a million values per column left for the
 * collector), tested, and dropped. The tests need no file order: every test and statistic is of the values'
 * distribution. Memory: the compact data plus, per worker, 2 buffers of the largest column (8 bytes a value)
 * and the radix sort's scratch (8 bytes a value).
 */
final class DriftColumns {
    /** Workers at most: each holds two buffers of the largest column (8 bytes a value). */
    static final int MAX_WORKERS = 4;

    private DriftColumns() {
    }

    /** One column of both files. */
    record Pair(String name, FeatureType type, Column ref, Column cur) {
    }

    /** The result and each column's note (see {@link DriftOutput#note}). */
    record Compared(DatasetDrift drift, List<String> notes) {
    }

    /** Loads columns into two buffers of its own, grown to the largest column and reused. */
    static final class Loader {
        private final Numbers.Scratch scratch = new Numbers.Scratch();
        private double[] ref = new double[0];
        private double[] cur = new double[0];
        private int refFinite;
        private int curFinite;

        /**
         * A column's values: for a numeric one the finite values ascending, padded with NaN to the buffer's length
         * (what the report's statistics and charts skip as nulls); valid until the next call.
         */
        DriftHtmlReport.ColumnData load(Pair p) {
            if (p.type() == FeatureType.CATEGORICAL) {
                return DriftHtmlReport.ColumnData.categorical(p.name(), p.ref().texts(), p.cur().texts());
            }
            ref = buffer(p.ref(), ref);
            refFinite = sorted(p.ref(), ref);
            cur = buffer(p.cur(), cur);
            curFinite = sorted(p.cur(), cur);
            return DriftHtmlReport.ColumnData.numeric(p.name(), ref, cur);
        }

        private static double[] buffer(Column c, double[] b) {
            return b.length >= c.size() ? b : new double[c.size()];
        }

        private int sorted(Column c, double[] b) {
            int n = c.values() == null ? 0 : c.values().sortedFinite(b, scratch);
            Arrays.fill(b, n, b.length, Double.NaN);
            return n;
        }

        /** The library's input for the column last loaded, one file's side; a numeric one is not copied. */
        RawColumns raw(Pair p, DriftHtmlReport.ColumnData d, boolean reference) {
            if (p.type() == FeatureType.CATEGORICAL) {
                return RawColumns.builder().categorical(p.name(), reference ? d.refText() : d.curText()).build();
            }
            Column c = reference ? p.ref() : p.cur();
            int n = reference ? refFinite : curFinite;
            return RawColumns.builder().sortedNumeric(p.name(), reference ? ref : cur, n, c.size() - n).build();
        }
    }

    /**
     * The library's exact mode, each column on one of at most {@link #MAX_WORKERS} workers (the detector is
     * immutable and each feature's result depends on that feature alone), then the dataset verdict by the
     * library's rule: the dataset drifts when at least {@code share} of the features with a verdict drift. Equal
     * to {@code DriftDetector.compare} on all columns at once.
     */
    static Compared compare(List<Pair> columns, Map<String, StatTest> tests, Map<String, Double> thresholds,
                            double share) {
        FeatureDrift[] features = new FeatureDrift[columns.size()];
        String[] notes = new String[columns.size()];
        int workers = Math.max(1, Math.min(Math.min(MAX_WORKERS, Runtime.getRuntime().availableProcessors()),
                columns.size()));
        AtomicInteger next = new AtomicInteger();
        IntStream.range(0, workers).parallel().forEach(w -> {
            Loader loader = new Loader();
            for (int i = next.getAndIncrement(); i < columns.size(); i = next.getAndIncrement()) {
                Pair p = columns.get(i);
                DriftHtmlReport.ColumnData d = loader.load(p);
                DriftDetector.Builder b = DriftDetector.builder();
                if (tests.containsKey(p.name())) {
                    b.test(p.name(), tests.get(p.name()).testName());
                }
                if (thresholds.containsKey(p.name())) {
                    b.threshold(p.name(), thresholds.get(p.name()));
                }
                features[i] = b.build().compare(loader.raw(p, d, true), loader.raw(p, d, false)).features().get(0);
                notes[i] = DriftOutput.note(features[i], d);
            }
        });
        int drifted = 0;
        int evaluated = 0;
        for (FeatureDrift f : features) {
            if (f.verdict() != Verdict.NO_VERDICT) {
                evaluated++;
                drifted += f.drifted() ? 1 : 0;
            }
        }
        double driftShare = evaluated == 0 ? Double.NaN : (double) drifted / evaluated;
        Verdict verdict = evaluated == 0 ? Verdict.NO_VERDICT : driftShare >= share ? Verdict.DRIFT : Verdict.NO_DRIFT;
        return new Compared(new DatasetDrift(List.of(features), drifted, evaluated, driftShare, share, verdict),
                List.of(notes));
    }
}
