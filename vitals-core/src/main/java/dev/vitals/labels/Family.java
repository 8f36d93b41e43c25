package dev.vitals.labels;

import io.prometheus.metrics.core.datapoints.DataPoint;
import io.prometheus.metrics.core.metrics.StatefulMetric;
import java.util.Arrays;

/**
 * A labelled family whose series are data points (counter, gauge, histogram), obtainable only from
 * {@link MetricFamilies}. The client_java metric stays private, so a label tuple can only be made
 * through {@link #labels} or {@link #series}, which clean, cap and budget it.
 */
public final class Family<D extends DataPoint> extends Admission {
    private final StatefulMetric<D, ?> metric;
    private volatile Series<D> overflow;

    Family(MetricFamilies owner, StatefulMetric<D, ?> metric, int cap) {
        super(owner, cap);
        this.metric = metric;
    }

    /** The data point to record in for these raw label values (the overflow one when refused). Never throws. */
    public D labels(String... raw) {
        return series(raw).get();
    }

    /**
     * A handle to cache per raw tuple: {@link Series#get()} stays valid across idle expiry (it
     * re-admits the tuple) and marks the use.
     */
    @SuppressWarnings("unchecked")
    public Series<D> series(String... raw) {
        Slot s = admit(raw == null ? new String[0] : raw);
        if (s == null) {
            return overflowSeries(raw == null ? 0 : raw.length);
        }
        return new Series<>(this, s);
    }

    /** The Prometheus name of this family. */
    public String name() {
        return name;
    }

    /** Tuples held now (the overflow tuple not included). */
    public int seriesCount() {
        return size();
    }

    Series<D> overflowSeries(int arity) {
        Series<D> o = overflow;
        if (o == null) {
            synchronized (this) {
                if (overflow == null) {
                    String[] v = new String[arity];
                    Arrays.fill(v, LabelValues.OVERFLOW);
                    // outside the budget and never expired: at most one per family
                    overflow = new Series<>(this, new Slot(v, metric.labelValues(v), Long.MAX_VALUE));
                }
                o = overflow;
            }
        }
        return o;
    }

    @Override
    Object create(String[] cleaned) {
        return metric.labelValues(cleaned);
    }

    @Override
    void remove(String[] cleaned) {
        metric.remove(cleaned);
    }
}
