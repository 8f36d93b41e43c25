package dev.vitals.quality;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.vitals.internal.Args;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One model's quality over a sliding time window, with memory bounded regardless of volume: the
 * window is a ring of {@code buckets} time buckets (default 60), each a {@link QualityStats}; data
 * goes to the bucket of the clock's current time, and a report merges the live buckets. A bucket
 * is reset when the ring comes round to it again.
 *
 * <pre>{@code
 * QualityWindow w = QualityWindow.builder().window(Duration.ofMinutes(5)).spec(spec).build();
 * w.addClassification(Prediction.of("fraud", "fraud", 0.93));
 * QualityReport last5m = w.report();
 * }</pre>
 *
 * <p>Coverage: with bucket width {@code window / buckets} (5 s for 5 min / 60), a report covers the
 * current bucket and the {@code buckets - 1} before it, so between {@code window - width} and
 * {@code window} of history; {@link QualityReport#fromMillis()} says where it starts. The clock is
 * treated as monotonic: a clock that goes back keeps adding to the newest bucket seen.
 *
 * <p>Memory: {@code buckets} times the bound of {@link QualityStats}, whatever the rate of data.
 * Only touched histogram bins are stored, so a quiet model costs little; the worst case of a
 * binary task at 1,000 bins is 2,002 histogram entries, about 64 KiB per bucket and 4 MiB per
 * 60-bucket window (lower {@code aucBins} to trade AUC precision for memory).
 * Thread-safe: adds to one bucket serialize on that bucket; checking and text scoring run before
 * the lock. Windows merge (replicas, restored state) bucket by bucket; {@link #toBytes()} and
 * {@link #fromBytes} carry the state.
 */
public final class QualityWindow extends QualityRecorder {
    static final String FORMAT = "vitals.quality.window";

    private final Vocabulary vocab;
    private final Clock clock;
    private final long windowMillis;
    private final int buckets;
    private final long bucketMillis;
    private final Slot[] slots;
    private final AtomicLong latestEpoch = new AtomicLong(Long.MIN_VALUE);

    /** One bucket; {@code epoch} (bucket number since 1970) is guarded by {@code stats}'s lock. */
    private static final class Slot {
        long epoch = Long.MIN_VALUE;
        final QualityStats stats;

        Slot(Vocabulary v) {
            stats = new QualityStats(v);
        }
    }

    QualityWindow(Vocabulary vocab, Clock clock, long windowMillis, int buckets) {
        this.vocab = vocab;
        this.clock = clock;
        this.windowMillis = windowMillis;
        this.buckets = buckets;
        this.bucketMillis = windowMillis / buckets;
        this.slots = new Slot[buckets];
        for (int i = 0; i < buckets; i++) {
            slots[i] = new Slot(vocab);
        }
    }

    /** A new builder: 5 minutes in 60 buckets, the system UTC clock, {@link QualitySpec#defaults()}. */
    public static Builder builder() {
        return new Builder();
    }

    /** The window's length. */
    public Duration window() {
        return Duration.ofMillis(windowMillis);
    }

    /** Buckets per window. */
    public int buckets() {
        return buckets;
    }

    /** The task and limits. */
    public QualitySpec spec() {
        return vocab.spec;
    }

    @Override
    Vocabulary vocabulary() {
        return vocab;
    }

    private long currentEpoch() {
        long e = Math.floorDiv(clock.millis(), bucketMillis);
        return latestEpoch.accumulateAndGet(e, Math::max);
    }

    @Override
    void accept(QualityBatch batch) {
        long e = currentEpoch();
        Slot s = slots[(int) Math.floorMod(e, (long) buckets)];
        synchronized (s.stats) {
            if (s.epoch < e) {
                s.stats.clearLocked();
                s.epoch = e;
            }
            // s.epoch > e only when another thread moved a whole window ahead meanwhile: count it there
            s.stats.applyLocked(batch);
        }
    }

    /**
     * Applies a batch to the bucket of {@code epochMillis} (a time after the clock counts now); returns false,
     * applying nothing, when that time is older than this window.
     */
    boolean acceptAt(long epochMillis, QualityBatch batch) {
        long now = currentEpoch();
        long e = Math.min(Math.floorDiv(epochMillis, bucketMillis), now);
        if (e <= now - buckets) {
            return false;
        }
        Slot s = slots[(int) Math.floorMod(e, (long) buckets)];
        synchronized (s.stats) {
            if (s.epoch < e) {
                s.stats.clearLocked();
                s.epoch = e;
            }
            if (s.epoch != e) {
                return false; // the window moved past that time meanwhile
            }
            s.stats.applyLocked(batch);
        }
        return true;
    }

    @Override
    public QualityRecorder at(long epochMillis) {
        return QualityRecorder.of(vocab, batch -> acceptAt(epochMillis, batch));
    }

    /** The quality over the window ending now. */
    public QualityReport report() {
        long e = currentEpoch();
        QualityStats sum = new QualityStats(vocab);
        for (Slot s : slots) {
            synchronized (s.stats) {
                if (s.epoch > e - buckets && s.epoch <= e) {
                    sum.mergeLocked(s.stats);
                }
            }
        }
        long from = (e - buckets + 1) * bucketMillis;
        return sum.reportLocked(from, Math.max(clock.millis(), from));
    }

    /**
     * Adds {@code other}'s buckets to these: buckets of the same time add up, a newer bucket
     * replaces an older one in the same place, older ones are ignored. Both need equal specs,
     * lengths and bucket counts. Names are registered first, all or none.
     */
    public void merge(QualityWindow other) {
        if (other == this) {
            throw new IllegalArgumentException("cannot merge a quality window into itself");
        }
        if (other.windowMillis != windowMillis || other.buckets != buckets) {
            throw new IllegalArgumentException("cannot merge a window of " + other.window() + " in " + other.buckets
                    + " buckets into one of " + window() + " in " + buckets + " buckets");
        }
        QualityStats.checkSameSpec(vocab.spec, other.vocab.spec);
        List<Long> epochs = new ArrayList<>();
        List<QualityStats> copies = new ArrayList<>();
        for (Slot s : other.slots) {
            synchronized (s.stats) {
                if (s.epoch != Long.MIN_VALUE && !s.stats.isEmptyLocked()) {
                    epochs.add(s.epoch);
                    copies.add(s.stats.copyLocked());
                }
            }
        }
        mergeSlots(epochs, QualityStats.adopt(copies, other.vocab, vocab));
    }

    private void mergeSlots(List<Long> epochs, List<QualityStats> stats) {
        for (int i = 0; i < epochs.size(); i++) {
            long e = epochs.get(i);
            latestEpoch.accumulateAndGet(e, Math::max);
            Slot s = slots[(int) Math.floorMod(e, (long) buckets)];
            synchronized (s.stats) {
                if (s.epoch < e) {
                    s.stats.clearLocked();
                    s.epoch = e;
                }
                if (s.epoch == e) {
                    s.stats.mergeLocked(stats.get(i));
                }
            }
        }
    }

    /** The state as versioned JSON (format {@code vitals.quality.window}, version 1). */
    public String toJson() {
        ObjectNode root = QualityCodec.header(FORMAT, vocab);
        root.put("windowMillis", windowMillis);
        root.put("buckets", buckets);
        root.put("latestEpoch", latestEpoch.get());
        ArrayNode out = root.putArray("slots");
        for (Slot s : slots) {
            QualityStats copy = null;
            long epoch;
            synchronized (s.stats) {
                epoch = s.epoch;
                if (epoch != Long.MIN_VALUE && !s.stats.isEmptyLocked()) {
                    copy = s.stats.copyLocked();
                }
            }
            if (copy != null) {
                ObjectNode o = out.addObject();
                o.put("epoch", epoch);
                QualityCodec.writeParts(o.putObject("stats"), copy);
            }
        }
        return QualityCodec.write(root);
    }

    /** {@link #toJson()} as UTF-8. */
    public byte[] toBytes() {
        return toJson().getBytes(StandardCharsets.UTF_8);
    }

    /** A window from {@link #toJson()}, running on {@code clock}; fails with {@link IllegalArgumentException} on anything else. */
    public static QualityWindow fromJson(String json, Clock clock) {
        JsonNode root = QualityCodec.parse(json, FORMAT);
        Vocabulary v = QualityCodec.vocabulary(root);
        long windowMillis = QualityCodec.count(root, "windowMillis");
        long buckets = QualityCodec.count(root, "buckets");
        Builder.check(windowMillis, buckets);
        Objects.requireNonNull(clock, "clock must not be null");
        QualityWindow w = new QualityWindow(v, clock, windowMillis, (int) buckets);
        JsonNode latest = root.get("latestEpoch");
        if (latest == null || !latest.canConvertToLong()) {
            throw QualityCodec.invalid("\"latestEpoch\" must be an integer");
        }
        w.latestEpoch.set(latest.asLong());
        JsonNode slots = root.get("slots");
        if (slots == null || !slots.isArray()) {
            throw QualityCodec.invalid("missing \"slots\" array");
        }
        List<Long> epochs = new ArrayList<>();
        List<QualityStats> stats = new ArrayList<>();
        for (JsonNode s : slots) {
            JsonNode e = s.get("epoch");
            if (e == null || !e.canConvertToLong() || e.asLong() > w.latestEpoch.get()
                    || epochs.stream().anyMatch(x -> Math.floorMod(x, buckets) == Math.floorMod(e.asLong(), buckets))) {
                throw QualityCodec.invalid("slot epochs must be distinct buckets no later than latestEpoch");
            }
            epochs.add(e.asLong());
            stats.add(QualityCodec.readParts(QualityCodec.object(s, "stats"), v));
        }
        w.mergeSlots(epochs, stats);
        return w;
    }

    /** A window from {@link #toBytes()}. */
    public static QualityWindow fromBytes(byte[] state, Clock clock) {
        return fromJson(new String(state, StandardCharsets.UTF_8), clock);
    }

    /** Configures a {@link QualityWindow}. */
    public static final class Builder extends WindowBuilder<Builder> {
        private Duration window = Duration.ofMinutes(5);

        private Builder() {
        }

        /** The window's length; default 5 minutes. It must split into {@code buckets} whole milliseconds. */
        public Builder window(Duration window) {
            this.window = Args.positive(window, "window");
            return this;
        }

        /** The window; fails when the window does not split into whole-millisecond buckets. */
        public QualityWindow build() {
            check(window.toMillis(), buckets);
            return new QualityWindow(new Vocabulary(spec), clock, window.toMillis(), buckets);
        }

        static void check(long windowMillis, long buckets) {
            Args.inRange(buckets, 1, 10_000, "buckets");
            if (windowMillis < buckets || windowMillis % buckets != 0) {
                throw new IllegalArgumentException("window of " + windowMillis + " ms must split into " + buckets
                        + " buckets of whole milliseconds");
            }
        }
    }
}
