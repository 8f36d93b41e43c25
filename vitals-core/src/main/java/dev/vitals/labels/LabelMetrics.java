package dev.vitals.labels;

import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.WeakHashMap;

/**
 * The two self-metrics of the label policy, registered at most once per registry so that every
 * {@link LabelPolicy}, {@link SeriesLimiter} and {@code LlmMetrics} on that registry shares one family
 * of each (a second registration of the same name would fail):
 * <ul>
 *   <li>{@value #REDACTIONS}{@code {kind}}: label values in which personal data of {@code kind}
 *       ({@code email}, {@code phone}, ...) was replaced by a placeholder;</li>
 *   <li>{@value #OVERFLOW}{@code {metric}}: label tuples folded into {@code __overflow__} because a
 *       metric reached its series cap.</li>
 * </ul>
 *
 * <pre>{@code
 * LabelMetrics labelMetrics = LabelMetrics.of(registry);         // same instance on every call
 * CounterDataPoint llmOverflow = labelMetrics.overflow("llm");    // what LlmMetrics increments
 * }</pre>
 */
public final class LabelMetrics {
    /** Name of the redaction counter. */
    public static final String REDACTIONS = "vitals_label_redactions_total";
    /** Name of the overflow counter; the same family {@code LlmMetrics} reports its model cap in. */
    public static final String OVERFLOW = "vitals_label_overflow_total";

    // Weak keys: a registry dropped by a test or a reloaded app does not stay pinned by this cache.
    private static final Map<PrometheusRegistry, LabelMetrics> BY_REGISTRY = new WeakHashMap<>();

    private final Counter redactions;
    private final Counter overflow;
    private final EnumMap<PiiDetector.Kind, CounterDataPoint> byKind = new EnumMap<>(PiiDetector.Kind.class);

    private LabelMetrics(PrometheusRegistry registry) {
        Counter.Builder r = Counter.builder().name(REDACTIONS)
                .help("Label values in which personal data was found and replaced by a placeholder, by kind of data.")
                .labelNames("kind");
        Counter.Builder o = Counter.builder().name(OVERFLOW)
                .help("Recordings whose label values were folded into __overflow__ because a metric reached its series cap.")
                .labelNames("metric");
        this.redactions = r.build();
        this.overflow = o.build();
        if (registry != null) {
            registry.register(redactions);
            try {
                registry.register(overflow);
            } catch (RuntimeException e) {
                registry.unregister(redactions); // all or nothing: a retry after fixing the clash must work
                throw e;
            }
        }
        for (PiiDetector.Kind k : PiiDetector.Kind.values()) {
            // Pre-create every kind so dashboards see 0 rather than no series before the first redaction.
            byKind.put(k, redactions.labelValues(k.label()));
        }
    }

    /**
     * The label metrics of {@code registry}, registering them on the first call for that registry.
     *
     * @throws IllegalArgumentException if something else already registered one of the two names there
     */
    public static LabelMetrics of(PrometheusRegistry registry) {
        Objects.requireNonNull(registry, "registry must not be null");
        synchronized (BY_REGISTRY) {
            LabelMetrics m = BY_REGISTRY.get(registry);
            if (m == null) {
                try {
                    m = new LabelMetrics(registry);
                } catch (IllegalStateException | IllegalArgumentException e) {
                    throw new IllegalArgumentException("cannot register " + REDACTIONS + " and " + OVERFLOW
                            + ": one of them is already registered by other code (" + e.getMessage() + ")", e);
                }
                BY_REGISTRY.put(registry, m);
            }
            return m;
        }
    }

    /** Counters that count but are exported nowhere: for tests and for policies without a registry. */
    public static LabelMetrics unregistered() {
        return new LabelMetrics(null);
    }

    /** {@value #REDACTIONS}, labelled {@code kind}. */
    public Counter redactions() {
        return redactions;
    }

    /** {@value #OVERFLOW}, labelled {@code metric}. */
    public Counter overflow() {
        return overflow;
    }

    /** The overflow data point of one metric, e.g. {@code overflow("llm")}. */
    public CounterDataPoint overflow(String metric) {
        return overflow.labelValues(metric);
    }

    /** The redaction data point of one kind. */
    public CounterDataPoint redactions(PiiDetector.Kind kind) {
        return byKind.get(kind);
    }
}
