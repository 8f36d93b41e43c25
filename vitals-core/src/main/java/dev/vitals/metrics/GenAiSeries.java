package dev.vitals.metrics;

import dev.vitals.labels.Family;
import dev.vitals.labels.Series;
import dev.vitals.llm.ErrorType;
import dev.vitals.llm.LlmCall;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/** {@link LlmMetrics}' GenAI-convention series for one (operation, provider, model), each resolved on first use. */
final class GenAiSeries {
    /** The GenAI-convention histograms: operation duration, token usage, time to first token, time per output token. */
    record Families(Family<DistributionDataPoint> duration, Family<DistributionDataPoint> tokens,
                    Family<DistributionDataPoint> ttft, Family<DistributionDataPoint> tpot) {
    }

    private final Families families;
    final String operation;
    final String provider;
    final String model;
    private volatile Series<DistributionDataPoint> durationOk;
    private final Map<ErrorType, Series<DistributionDataPoint>> durationFailed = new ConcurrentHashMap<>();
    private volatile Series<DistributionDataPoint> tokensIn;
    private volatile Series<DistributionDataPoint> tokensOut;
    private volatile Series<DistributionDataPoint> ttft;
    private volatile Series<DistributionDataPoint> tpot;

    GenAiSeries(Families families, String operation, String provider, String model) {
        this.families = families;
        this.operation = operation;
        this.provider = provider;
        this.model = model;
    }

    void record(LlmCall c, boolean exemplar) {
        Series<DistributionDataPoint> d = c.success()
                ? (durationOk != null ? durationOk : (durationOk = families.duration().series(operation, provider, model, "")))
                : durationFailed.computeIfAbsent(c.errorType(), t -> families.duration().series(operation, provider, model, t.label()));
        Exemplars.observe(d.get(), c.durationSeconds(), exemplar ? c : null);
        if (c.inputTokens() > 0 || c.success()) {
            (tokensIn != null ? tokensIn : (tokensIn = families.tokens().series(operation, provider, model, "input"))).get()
                    .observe(c.inputTokens());
        }
        if (c.outputTokens() > 0 || c.success()) {
            (tokensOut != null ? tokensOut : (tokensOut = families.tokens().series(operation, provider, model, "output"))).get()
                    .observe(c.outputTokens());
        }
        if (!Double.isNaN(c.timeToFirstTokenSeconds())) {
            (ttft != null ? ttft : (ttft = families.ttft().series(operation, provider, model))).get().observe(c.timeToFirstTokenSeconds());
            double t = LlmMetrics.timePerOutputToken(c);
            if (!Double.isNaN(t)) {
                (tpot != null ? tpot : (tpot = families.tpot().series(operation, provider, model))).get().observe(t);
            }
        }
    }
}
