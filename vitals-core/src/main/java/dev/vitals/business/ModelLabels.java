package dev.vitals.business;

import dev.vitals.labels.Family;
import dev.vitals.labels.LabelPolicy;
import dev.vitals.labels.LabelValues;
import dev.vitals.labels.MetricFamilies;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;

/**
 * The model and variant labels, cleaned by the label policy and capped (later ones become
 * {@code __overflow__}), and the {@link ModelState} of each model, of the overflow and of
 * {@link BusinessMetrics#ALL_MODELS}. Thread-safe.
 */
final class ModelLabels {
    private final LabelPolicy policy;
    private final int maxModels;
    private final int maxVariants;
    private final int lgK;
    private final Conversions conversions;
    private final Map<String, ModelState> models = new ConcurrentHashMap<>();
    private volatile ModelState overflowModel;
    private final ModelState all;
    private final Set<String> variants = ConcurrentHashMap.newKeySet();
    /** Raw model name or variant to its cleaned label: PII detection runs once per distinct raw value. */
    private final Map<String, String> cleanedNames = new ConcurrentHashMap<>();
    private final Family.Lazy<CounterDataPoint> modelOverflow;
    private final Family.Lazy<CounterDataPoint> variantOverflow;

    /** Registers {@code vitals_business_label_overflow_total}. */
    ModelLabels(MetricFamilies families, int maxModels, int maxVariants, int lgK, Conversions conversions) {
        this.policy = families.policy();
        this.maxModels = maxModels;
        this.maxVariants = maxVariants;
        this.lgK = lgK;
        this.conversions = conversions;
        this.all = new ModelState(BusinessMetrics.ALL_MODELS, lgK, conversions);
        Family<CounterDataPoint> overflow = families.counter(Counter.builder().name("vitals_business_label_overflow_total")
                .help("Business recordings whose model or variant was folded into __overflow__ because of its cap.")
                .labelNames("label"), 2);
        modelOverflow = overflow.lazy("model");
        variantOverflow = overflow.lazy("variant");
    }

    /** The unique counts across models. */
    ModelState all() {
        return all;
    }

    /** The state of a raw model name: its own, or the overflow's past {@code maxModels}. */
    ModelState model(String raw) {
        String label = cleaned(raw);
        ModelState s = models.get(label);
        if (s != null) {
            return s;
        }
        synchronized (models) {
            s = models.get(label);
            if (s == null && models.size() < maxModels) {
                s = new ModelState(label, lgK, conversions);
                models.put(label, s);
            }
            if (s != null) {
                return s;
            }
            if (overflowModel == null) {
                overflowModel = new ModelState(LabelValues.OVERFLOW, lgK, conversions);
            }
        }
        modelOverflow.get().inc();
        return overflowModel;
    }

    /** The label of a raw variant: {@link BusinessMetrics#NO_VARIANT} when absent, the overflow past {@code maxVariants}. */
    String variant(String raw) {
        String v = raw == null || raw.isEmpty() ? BusinessMetrics.NO_VARIANT : cleaned(raw);
        if (variants.contains(v)) {
            return v;
        }
        synchronized (variants) {
            if (variants.contains(v) || variants.size() < maxVariants && variants.add(v)) {
                return v;
            }
        }
        variantOverflow.get().inc();
        return LabelValues.OVERFLOW;
    }

    /** The label policy's value for a model or variant, cached for a bounded number of raw values. */
    private String cleaned(String raw) {
        String c = raw == null ? null : cleanedNames.get(raw);
        if (c == null) {
            c = policy.clean(raw);
            if (raw != null && cleanedNames.size() < 8 * (maxModels + maxVariants)) {
                cleanedNames.put(raw, c);
            }
        }
        return c;
    }

    /** Every model's state, then the overflow's (once used), then {@link #all}. */
    List<ModelState> states() {
        List<ModelState> out = new ArrayList<>(models.values());
        ModelState o = overflowModel;
        if (o != null) {
            out.add(o);
        }
        out.add(all);
        return out;
    }

    void forEachPair(Consumer<Conversions.Pair> action) {
        for (ModelState m : states()) {
            m.forEachPair(action);
        }
    }
}
