package dev.vitals.business;

import dev.vitals.labels.MetricFamilies;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/** The unique-count rings of one model and its (model, variant) series. Thread-safe. */
final class ModelState {
    /** A sliding window of the unique counts. */
    private record Window(String label, long nanos, int slots) {
    }

    private static final List<Window> WINDOWS = List.of(
            new Window("1h", TimeUnit.HOURS.toNanos(1), 12),
            new Window("24h", TimeUnit.HOURS.toNanos(24), 24));

    final String label;
    private final WindowedSketch[] users = new WindowedSketch[WINDOWS.size()];
    private final WindowedSketch[] sessions = new WindowedSketch[WINDOWS.size()];
    private final Conversions conversions;
    private final Map<String, Conversions.Pair> pairs = new ConcurrentHashMap<>(); // at most maxVariants + 1

    ModelState(String label, int lgK, Conversions conversions) {
        this.label = label;
        this.conversions = conversions;
        for (int w = 0; w < WINDOWS.size(); w++) {
            Window win = WINDOWS.get(w);
            users[w] = new WindowedSketch(win.nanos(), win.slots(), lgK);
            sessions[w] = new WindowedSketch(win.nanos(), win.slots(), lgK);
        }
    }

    /**
     * Registers {@code vitals_unique_users} and {@code vitals_unique_sessions} over the model states
     * that {@code states} lists at each scrape.
     */
    static void registerGauges(MetricFamilies families, int maxModels, LongSupplier clock, Supplier<List<ModelState>> states) {
        registerGauge(families, "vitals_unique_users",
                "Estimated distinct users (HLL sketch over salted hashes) in the window, per model; model=\"__all__\" across models.",
                maxModels, clock, states, m -> m.users);
        registerGauge(families, "vitals_unique_sessions",
                "Estimated distinct sessions (HLL sketch over salted hashes) in the window, per model; model=\"__all__\" across models.",
                maxModels, clock, states, m -> m.sessions);
    }

    private static void registerGauge(MetricFamilies families, String name, String help, int maxModels, LongSupplier clock,
                                      Supplier<List<ModelState>> states, Function<ModelState, WindowedSketch[]> rings) {
        families.gaugeWithCallback(GaugeWithCallback.builder().name(name)
                .help(help)
                .labelNames("model", "window"), (maxModels + 2) * WINDOWS.size(), cb -> {
                    long now = clock.getAsLong();
                    for (ModelState m : states.get()) {
                        WindowedSketch[] ring = rings.apply(m);
                        for (int w = 0; w < WINDOWS.size(); w++) {
                            cb.call(Math.round(ring[w].estimate(now)), m.label, WINDOWS.get(w).label());
                        }
                    }
                });
    }

    void addUser(long hash, long now) {
        for (WindowedSketch s : users) {
            s.update(hash, now);
        }
    }

    void addSession(long hash, long now) {
        for (WindowedSketch s : sessions) {
            s.update(hash, now);
        }
    }

    Conversions.Pair pair(String variant) {
        return pairs.computeIfAbsent(variant, v -> conversions.pair(label, v));
    }

    void forEachPair(Consumer<Conversions.Pair> action) {
        pairs.values().forEach(action);
    }
}
