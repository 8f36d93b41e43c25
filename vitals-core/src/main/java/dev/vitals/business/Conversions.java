package dev.vitals.business;

import dev.vitals.business.BusinessMetrics.PairCounts;
import dev.vitals.labels.Family;
import dev.vitals.labels.LabelPolicy;
import dev.vitals.labels.MetricFamilies;
import io.prometheus.metrics.core.datapoints.CounterDataPoint;
import io.prometheus.metrics.core.datapoints.DistributionDataPoint;
import io.prometheus.metrics.core.metrics.Counter;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.core.metrics.Histogram;
import io.prometheus.metrics.model.snapshots.Unit;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * The event kinds and the conversion series: requests, events and conversions per (model, variant,
 * kind), the conversion ratio, and the time to value per kind. Thread-safe.
 */
final class Conversions {
    static final double[] TIME_TO_VALUE_SECONDS = {
        0.5, 1, 2, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600, 86400
    };

    private final List<String> kinds;
    private final Map<String, Integer> kindIndex = new HashMap<>();
    private final Family<CounterDataPoint> requests;
    private final Family<CounterDataPoint> events;
    private final Family<CounterDataPoint> conversions;
    private final Family.Lazy<DistributionDataPoint>[] timeToValue;

    /**
     * Registers {@code vitals_business_requests_total}, {@code vitals_business_events_total},
     * {@code vitals_conversions_total}, {@code vitals_conversion_ratio} (over the pairs that
     * {@code forEachPair} visits) and {@code vitals_time_to_value_seconds}, in that order.
     *
     * @param timeToValueKinds the timed kinds, each one of {@code kinds}; null: all of them
     */
    @SuppressWarnings("unchecked")
    Conversions(MetricFamilies families, List<String> kinds, List<String> timeToValueKinds, int maxModels, int maxVariants,
                Consumer<Consumer<Pair>> forEachPair) {
        this.kinds = kinds;
        for (int i = 0; i < kinds.size(); i++) {
            kindIndex.put(kinds.get(i), i);
        }
        // (models + overflow + __all__) x (variants + overflow) x kinds: the widest a family can get
        int cap = (int) Math.min(LabelPolicy.MAX_SERIES_CAP, (long) (maxModels + 2) * (maxVariants + 1) * Math.max(1, kinds.size()));
        requests = families.counter(Counter.builder().name("vitals_business_requests_total")
                .help("Requests recorded for business metrics: the denominator of conversion ratios.")
                .labelNames("model", "variant"), cap);
        events = families.counter(Counter.builder().name("vitals_business_events_total")
                .help("Business events linked to a request, repeats included.")
                .labelNames("model", "variant", "kind"), cap);
        conversions = families.counter(Counter.builder().name("vitals_conversions_total")
                .help("Requests followed by at least one business event of the kind.")
                .labelNames("model", "variant", "kind"), cap);
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_conversion_ratio").unit(Unit.RATIO)
                .help("Conversions over requests since start, per model, variant and event kind.")
                .labelNames("model", "variant", "kind"), cap, cb -> forEachPair.accept(p -> {
                    double n = p.count.sum();
                    if (n > 0) {
                        for (int k = 0; k < kinds.size(); k++) {
                            cb.call(p.converted[k].sum() / n, p.model, p.variant, kinds.get(k));
                        }
                    }
                }));
        Family<DistributionDataPoint> ttv = families.histogram(Histogram.builder().name("vitals_time_to_value_seconds").unit(Unit.SECONDS)
                .help("Time from a request to its first business event of the kind.")
                .classicOnly().classicUpperBounds(TIME_TO_VALUE_SECONDS).labelNames("kind"), Math.max(1, kinds.size()));
        timeToValue = new Family.Lazy[kinds.size()];
        for (String k : timeToValueKinds != null ? timeToValueKinds : kinds) {
            timeToValue[kindIndex.get(k)] = ttv.lazy(k);
        }
    }

    /** The index of an allowed event kind, or -1. */
    int kind(String name) {
        Integer k = kindIndex.get(name);
        return k == null ? -1 : k;
    }

    /** The series of one (model, variant), both already labels. */
    Pair pair(String model, String variant) {
        return new Pair(model, variant);
    }

    /**
     * Series of one (model, variant), each made on first use (a kind that never happened has none);
     * the ratio reads its own sums, so a scrape does not keep idle series alive.
     */
    final class Pair {
        final String model;
        final String variant;
        private final Family.Lazy<CounterDataPoint> requests;
        private final LongAdder count = new LongAdder();
        private final LongAdder[] converted;
        private final LongAdder[] eventCount;
        private final Family.Lazy<CounterDataPoint>[] events;
        private final Family.Lazy<CounterDataPoint>[] conversions;

        @SuppressWarnings("unchecked")
        private Pair(String model, String variant) {
            this.model = model;
            this.variant = variant;
            this.requests = Conversions.this.requests.lazy(model, variant);
            this.events = new Family.Lazy[kinds.size()];
            this.conversions = new Family.Lazy[kinds.size()];
            this.converted = new LongAdder[kinds.size()];
            this.eventCount = new LongAdder[kinds.size()];
            for (int k = 0; k < kinds.size(); k++) {
                events[k] = Conversions.this.events.lazy(model, variant, kinds.get(k));
                conversions[k] = Conversions.this.conversions.lazy(model, variant, kinds.get(k));
                converted[k] = new LongAdder();
                eventCount[k] = new LongAdder();
            }
        }

        /** Counts a request: the ratio's denominator and {@code vitals_business_requests_total}. */
        void request() {
            count.increment();
            requests.get().inc();
        }

        /**
         * Counts an event of kind {@code k}; a conversion (the request's first of the kind) also counts
         * toward the ratio and, for a timed kind, observes {@code timeToValueSeconds} when it is finite.
         */
        void event(int k, boolean conversion, double timeToValueSeconds) {
            events[k].get().inc();
            eventCount[k].increment();
            if (conversion) {
                converted[k].increment();
                conversions[k].get().inc();
                if (timeToValue[k] != null && Double.isFinite(timeToValueSeconds)) {
                    timeToValue[k].get().observe(Math.max(0, timeToValueSeconds));
                }
            }
        }

        /** The counts since start, kinds without events left out. */
        PairCounts counts() {
            Map<String, Long> ev = new LinkedHashMap<>();
            Map<String, Long> conv = new LinkedHashMap<>();
            for (int k = 0; k < kinds.size(); k++) {
                long e = eventCount[k].sum();
                long c = converted[k].sum();
                if (e > 0) {
                    ev.put(kinds.get(k), e);
                }
                if (c > 0) {
                    conv.put(kinds.get(k), c);
                }
            }
            return new PairCounts(model, variant, count.sum(), ev, conv);
        }

        /** Adds saved counts, all but {@code vitals_business_requests_total}; unknown kinds are skipped. */
        void restore(PairCounts c) {
            count.add(Math.max(0, c.requests()));
            c.events().forEach((kind, n) -> {
                int k = kind(kind);
                if (k >= 0 && n != null && n > 0) {
                    events[k].get().inc(n);
                    eventCount[k].add(n);
                }
            });
            c.conversions().forEach((kind, n) -> {
                int k = kind(kind);
                if (k >= 0 && n != null && n > 0) {
                    conversions[k].get().inc(n);
                    converted[k].add(n);
                }
            });
        }
    }
}
