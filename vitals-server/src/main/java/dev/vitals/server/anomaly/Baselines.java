package dev.vitals.server.anomaly;

import dev.vitals.baseline.Anomaly;
import dev.vitals.baseline.Detector;
import dev.vitals.baseline.SeriesState;
import dev.vitals.series.CallSampler;
import dev.vitals.series.Signal;
import dev.vitals.server.store.StateStore;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;
import java.util.function.ToDoubleFunction;
import java.util.logging.Logger;

/**
 * Baselines and anomalies of the server's own signals: after each closed sampler interval, every
 * model's request rate, error ratio, latency p50/p95, TTFT p95, tokens per request and cost per query
 * go through the {@link Detector}. Exported as {@code vitals_baseline}, {@code vitals_baseline_stddev},
 * {@code vitals_anomaly_zscore} and {@code vitals_anomaly_active} (labels {@code model}, {@code signal});
 * the state is saved to the state store every minute and on shutdown, and restored on start, so a
 * restart does not relearn from zero.
 */
public final class Baselines {
    static final String BLOB = "baselines.v1";
    private static final Logger LOG = Logger.getLogger(Baselines.class.getName());
    /** Signals judged; the request rate is judged whatever its volume (a drop to zero is news). */
    static final List<Signal> SIGNALS = List.of(Signal.REQUEST_RATE, Signal.ERROR_RATIO, Signal.LATENCY_P50,
            Signal.LATENCY_P95, Signal.TTFT_P95, Signal.TOKENS_PER_REQUEST, Signal.COST_PER_QUERY);

    private final Detector detector;
    private final double threshold;
    private final CallSampler sampler;
    private final StateStore store;
    private final VitalsConfigAnomalies settings;
    /** The latency band each interval was judged against, for the dashboard. */
    private final dev.vitals.server.anomaly.BandHistory bands;

    private record VitalsConfigAnomalies(double threshold, int consecutive, int warmUp, long minVolume) {
    }

    public Baselines(CallSampler sampler, StateStore store, PrometheusRegistry registry, dev.vitals.server.config.VitalsConfig.Anomalies cfg) {
        this.sampler = sampler;
        this.store = store;
        this.detector = detectorBuilder(cfg).build();
        this.threshold = cfg.threshold;
        this.settings = new VitalsConfigAnomalies(cfg.threshold, cfg.consecutive, cfg.warmUp, cfg.minVolume);
        this.bands = new dev.vitals.server.anomaly.BandHistory(sampler.stepMillis(), 8_640, 50);
        gauge(registry, "vitals_baseline", "Baseline (expected value) of a signal per model.", SeriesState::mean);
        gauge(registry, "vitals_baseline_stddev", "Standard deviation of a signal around its baseline.", SeriesState::stddev);
        gauge(registry, "vitals_anomaly_zscore", "Last z-score of a signal against its baseline.", SeriesState::lastZ);
        gauge(registry, "vitals_anomaly_active", "1 while an anomaly of the signal is open.", s -> s.active() ? 1 : 0);
    }

    /** Restores the saved baselines (damaged ones are ignored: learning starts afresh); blocking, once, before the server serves. */
    public void restore() {
        byte[] saved = store.getBlob(BLOB);
        if (saved != null) {
            try {
                detector.restore(saved);
                LOG.info("baselines restored: " + detector.states().size() + " series");
            } catch (IllegalArgumentException e) {
                LOG.warning("stored baselines ignored, learning afresh: " + e.getMessage());
            }
        }
    }

    /**
     * The detector as the server configures it: the error ratio floored at its binomial error for the
     * interval's requests, latencies, tokens and cost per query at {@code relativeFloor} of their level.
     */
    static Detector.Builder detectorBuilder(dev.vitals.server.config.VitalsConfig.Anomalies cfg) {
        Detector.Builder b = Detector.builder().threshold(cfg.threshold).openAfter(cfg.consecutive).closeAfter(cfg.consecutive)
                .warmUp(cfg.warmUp).minVolume(cfg.minVolume)
                .binomialFloor(Signal.ERROR_RATIO.key())
                .relativeFloor(cfg.relativeFloor, Signal.LATENCY_P50.key(), Signal.LATENCY_P95.key(), Signal.TTFT_P95.key(),
                        Signal.TOKENS_PER_REQUEST.key(), Signal.COST_PER_QUERY.key());
        if (cfg.seasonal) {
            b.daily(Detector.DAILY_SLOTS).weekly(Detector.WEEKLY_SLOTS);
        }
        return b;
    }

    private void gauge(PrometheusRegistry registry, String name, String help, ToDoubleFunction<SeriesState> f) {
        dev.vitals.labels.MetricFamilies.of(registry).gaugeWithCallback(
                GaugeWithCallback.builder().name(name).help(help).labelNames("model", "signal"), cb -> {
                    for (SeriesState s : detector.states()) {
                        double v = f.applyAsDouble(s);
                        if (Double.isFinite(v)) {
                            cb.call(v, s.model(), s.signal());
                        }
                    }
                });
    }

    /** Judges the interval the sampler closed last (after a stall only the newest one is judged). */
    public void judgeLastInterval() {
        long step = sampler.stepMillis();
        long judged = (System.currentTimeMillis() / step - 1) * step;
        for (String model : sampler.models()) {
            for (Signal s : SIGNALS) {
                double[] last = sampler.last(model, s);
                long volume = s == Signal.REQUEST_RATE ? Long.MAX_VALUE : (long) last[1];
                if (!Double.isNaN(last[0])) {
                    detector.observe(model, s.key(), last[0], volume);
                }
            }
            // the band the interval was judged against (the state keeps the mean before the sample)
            double[] b = band(model, Signal.LATENCY_P95.key());
            if (b != null) {
                bands.record(model, judged, b[0], b[1]);
            }
        }
    }

    /** The latency bands of earlier intervals, for the dashboard. */
    public dev.vitals.server.anomaly.BandHistory bands() {
        return bands;
    }

    /**
     * Judges drift scores and quality metrics (one sample a minute each): signals {@code drift:<feature>}
     * and {@code quality:<metric>}, always judged whatever the volume. Their anomalies show up beside the
     * traffic signals'.
     */
    public void judgeScores(java.util.Map<String, java.util.Map<String, Double>> perModel) {
        perModel.forEach((model, signals) -> signals.forEach((signal, v) -> detector.observe(model, signal, v, Long.MAX_VALUE)));
    }

    /** The band a signal is judged against, {mean - threshold × stddev, mean + threshold × stddev}; null while learning. */
    double[] band(String model, String signal) {
        SeriesState st = detector.state(model, signal);
        if (st == null || st.basis() == SeriesState.Basis.WARM_UP || !Double.isFinite(st.mean()) || !Double.isFinite(st.stddev())) {
            return null;
        }
        return new double[] {Math.max(0, st.mean() - threshold * st.stddev()), st.mean() + threshold * st.stddev()};
    }

    /** The model's warmed-up baselines, {@code {signal: {mean, low, high}}}, for the dashboard's tiles. */
    public JsonObject current(String model) {
        JsonObject out = new JsonObject();
        for (Signal s : SIGNALS) {
            double[] b = band(model, s.key());
            if (b != null) {
                out.put(s.key(), new JsonObject().put("mean", detector.state(model, s.key()).mean()).put("low", b[0]).put("high", b[1]));
            }
        }
        return out;
    }

    /** Saves the state; blocking (a store write). */
    public void save() {
        store.putBlob(BLOB, detector.snapshot());
    }

    int openCount() {
        return detector.openAnomalies().size();
    }

    /** {@code {"open": [...], "recent": [...]}} for GET /v1/anomalies and the dashboard. */
    public JsonObject json() {
        // the settings let a client (the demo) time itself: warm-up and a run of intervals before a verdict
        return new JsonObject().put("open", list(detector.openAnomalies())).put("recent", list(detector.recentAnomalies()))
                .put("settings", new JsonObject().put("threshold", settings.threshold()).put("consecutive", settings.consecutive())
                        .put("warm_up", settings.warmUp()).put("min_volume", settings.minVolume()).put("step_ms", sampler.stepMillis()));
    }

    private static JsonArray list(List<Anomaly> as) {
        JsonArray a = new JsonArray();
        for (Anomaly x : as) {
            a.add(new JsonObject().put("model", x.model()).put("signal", x.signal()).put("start", x.startMillis())
                    .put("end", x.open() ? null : x.endMillis()).put("peak_z", finite(x.peakZ()))
                    .put("peak_value", finite(x.peakValue())).put("baseline_mean", finite(x.baselineMean()))
                    .put("baseline_stddev", finite(x.baselineStddev())).put("samples", x.samples()));
        }
        return a;
    }

    private static Object finite(double v) {
        return Double.isFinite(v) ? v : null;
    }

    public Detector detector() {
        return detector;
    }
}
