package dev.vitals.quality;

import dev.vitals.internal.Args;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Quality windows for many models: each model gets one {@link QualityWindow} per configured length
 * (default 5 minutes, 1 hour and 24 hours, 60 buckets each), sharing the model's vocabulary. What a
 * server's quality endpoints sit on.
 *
 * <pre>{@code
 * QualityTracker tracker = QualityTracker.builder()
 *     .spec("fraud-v3", QualitySpec.builder().binary("legit", "fraud").build())
 *     .build();
 * tracker.model("fraud-v3").addClassification(Prediction.of("fraud", "legit", 0.42));
 * Optional<QualityReport> lastHour = tracker.report("fraud-v3", Duration.ofHours(1));
 * }</pre>
 *
 * <p>A batch added to a model is checked once and then applied to every window. At most
 * {@code maxModels} models (default 1,000) are tracked; data for one more is rejected with an
 * {@link IllegalArgumentException} (folding models together would mix their quality).
 */
public final class QualityTracker {
    private final List<Duration> windows;
    private final int buckets;
    private final Clock clock;
    private final int maxModels;
    private final QualitySpec defaultSpec;
    private final Map<String, QualitySpec> specs;
    private final ConcurrentHashMap<String, ModelQuality> models = new ConcurrentHashMap<>();

    private QualityTracker(Builder b) {
        this.windows = List.copyOf(b.windows);
        this.buckets = b.buckets;
        this.clock = b.clock;
        this.maxModels = b.maxModels;
        this.defaultSpec = b.spec;
        this.specs = Map.copyOf(b.specs);
    }

    /** A new builder: windows 5 min, 1 h, 24 h; 60 buckets; system UTC clock; 1,000 models. */
    public static Builder builder() {
        return new Builder();
    }

    /** The window lengths, in the order given. */
    public List<Duration> windows() {
        return windows;
    }

    /** The spec {@code model} uses. */
    public QualitySpec spec(String model) {
        return specs.getOrDefault(model, defaultSpec);
    }

    /** The recorder of {@code model}, created on first use. */
    public QualityRecorder model(String model) {
        Args.notEmpty(model, "model");
        ModelQuality m = models.get(model);
        if (m != null) {
            return m;
        }
        synchronized (models) {
            m = models.get(model);
            if (m == null) {
                if (models.size() >= maxModels) {
                    throw new IllegalArgumentException("model \"" + model + "\" would exceed the limit of " + maxModels
                            + " models with quality data");
                }
                m = new ModelQuality(spec(model));
                models.put(model, m);
            }
            return m;
        }
    }

    /** Models with quality data, in code point order. */
    public Set<String> models() {
        Set<String> out = new TreeSet<>(Labels.ORDER);
        out.addAll(models.keySet());
        return out;
    }

    /**
     * The kind of {@code model}'s score series (name, source), fixed when its first value was added;
     * {@code null} when the model has no such series. Lets a caller that applies several models'
     * batches check them all before applying any.
     */
    public ScoreKind scoreKind(String model, String name, ScoreSource source) {
        ModelQuality m = model == null ? null : models.get(model);
        Vocabulary.Series s = m == null ? null : m.vocab.series(new Vocabulary.SeriesKey(name, source));
        return s == null ? null : s.kind;
    }

    /** The window of {@code model} with length {@code window}; empty when the model has no data yet. */
    public Optional<QualityWindow> window(String model, Duration window) {
        int i = windowIndex(window);
        ModelQuality m = model == null ? null : models.get(model);
        return m == null ? Optional.empty() : Optional.of(m.windows[i]);
    }

    /** The report of {@code model} over {@code window}; empty when the model has no data yet. */
    public Optional<QualityReport> report(String model, Duration window) {
        return window(model, window).map(QualityWindow::report);
    }

    /**
     * Every model's reports, in {@link #models()} order, each keyed by the names of {@code windows} (a name
     * to a configured length, in the order given); fails on a length that is not configured.
     */
    public Map<String, Map<String, QualityReport>> reports(Map<String, Duration> windows) {
        Map<String, Map<String, QualityReport>> out = new LinkedHashMap<>();
        for (String m : models()) {
            Map<String, QualityReport> per = new LinkedHashMap<>();
            windows.forEach((name, d) -> report(m, d).ifPresent(r -> per.put(name, r)));
            out.put(m, per);
        }
        return out;
    }

    private int windowIndex(Duration window) {
        int i = windows.indexOf(window);
        if (i < 0) {
            throw new IllegalArgumentException("window " + window + " is not configured; windows are " + windows);
        }
        return i;
    }

    /** One model: its windows share a vocabulary, so a batch is checked once for all of them. */
    private final class ModelQuality extends QualityRecorder {
        final Vocabulary vocab;
        final QualityWindow[] windows;

        ModelQuality(QualitySpec spec) {
            vocab = new Vocabulary(spec);
            List<Duration> ws = QualityTracker.this.windows;
            windows = new QualityWindow[ws.size()];
            for (int i = 0; i < windows.length; i++) {
                windows[i] = new QualityWindow(vocab, clock, ws.get(i).toMillis(), buckets);
            }
        }

        @Override
        Vocabulary vocabulary() {
            return vocab;
        }

        @Override
        void accept(QualityBatch batch) {
            for (QualityWindow w : windows) {
                w.accept(batch);
            }
        }

        /** Each window gets the data in its bucket of {@code epochMillis}, or not at all when the time is older than it. */
        @Override
        public QualityRecorder at(long epochMillis) {
            return QualityRecorder.of(vocab, batch -> {
                for (QualityWindow w : windows) {
                    w.acceptAt(epochMillis, batch);
                }
            });
        }
    }

    /** Configures a {@link QualityTracker}. */
    public static final class Builder extends WindowBuilder<Builder> {
        private List<Duration> windows = List.of(Duration.ofMinutes(5), Duration.ofHours(1), Duration.ofHours(24));
        private int maxModels = 1000;
        private final Map<String, QualitySpec> specs = new HashMap<>();

        private Builder() {
        }

        /** Window lengths (distinct, each splitting into whole-millisecond buckets); default 5 min, 1 h, 24 h. */
        public Builder windows(Duration... windows) {
            if (windows == null || windows.length == 0) {
                throw new IllegalArgumentException("windows must name at least one duration");
            }
            List<Duration> ws = new ArrayList<>();
            for (Duration d : windows) {
                if (d == null || d.isNegative() || d.isZero() || ws.contains(d)) {
                    throw new IllegalArgumentException("windows must be distinct positive durations, got "
                            + java.util.Arrays.toString(windows));
                }
                ws.add(d);
            }
            this.windows = ws;
            return this;
        }

        /** Models tracked, in [1, 1,000,000]; default 1,000. */
        public Builder maxModels(int maxModels) {
            this.maxModels = Args.inRange(maxModels, 1, 1_000_000, "maxModels");
            return this;
        }

        /** The spec of one model. */
        public Builder spec(String model, QualitySpec spec) {
            Args.notEmpty(model, "model");
            Objects.requireNonNull(spec, "spec must not be null");
            specs.put(model, spec);
            return this;
        }

        /** The tracker; fails when a window does not split into whole-millisecond buckets. */
        public QualityTracker build() {
            for (Duration d : windows) {
                QualityWindow.Builder.check(d.toMillis(), buckets);
            }
            return new QualityTracker(this);
        }
    }
}
