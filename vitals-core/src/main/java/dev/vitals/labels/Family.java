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

    /** A handle made now that admits its tuple on the first {@link Lazy#get()}, not before. */
    public Lazy<D> lazy(String... raw) {
        return new Lazy<>(this, raw == null ? new String[0] : raw.clone());
    }

    /** A series made on first use: a status, kind or error that never happens never gets a series. */
    public static final class Lazy<D extends DataPoint> {
        private final Family<D> family;
        private final String[] raw;
        private volatile Series<D> series;

        Lazy(Family<D> family, String[] raw) {
            this.family = family;
            this.raw = raw;
        }

        /** The data point, admitting the tuple on the first call; marks the use. Never throws. */
        public D get() {
            Series<D> s = series;
            if (s == null || s.isOverflow() && retryDue()) {
                series = s = family.series(raw); // refused while full: asked again at most once a second
            }
            return s.get();
        }

        private volatile long lastTry;

        private boolean retryDue() {
            long now = family.owner.now();
            if (now - lastTry < 1000) {
                return false;
            }
            lastTry = now;
            return true;
        }
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

    /** Skips PII detection for values from the machine itself (see the class of {@code MetricFamilies}); returns this. */
    public Family<D> machineValues() {
        trustMachineValues();
        return this;
    }
}
