package dev.vitals.labels;

import dev.vitals.internal.Args;
import java.util.Collections;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * What may reach a metric label: which custom keys clients may set, and what any value is turned into
 * before it is used. Immutable and thread-safe. Personal data never becomes a label value
 * ({@link #clean}) and no metric gets more than {@link #maxSeriesPerMetric()} series
 * ({@link #limiter}).
 *
 * <pre>{@code
 * LabelPolicy policy = LabelPolicy.builder()
 *         .allowedKeys("tenant", "route")          // custom keys clients may set; default none
 *         .maxValueLength(128)                     // default 128 characters
 *         .maxSeriesPerMetric(2_000)               // default 2,000 label tuples per metric
 *         .metrics(LabelMetrics.of(registry))      // optional: export redaction and overflow counters
 *         .build();
 * policy.clean("owner=jane.doe@example.com");      // "owner=[email]"
 * SeriesLimiter models = policy.limiter("llm");
 * String[] labels = models.admit(rawModel);         // cleaned, or {"__overflow__"} past the cap
 * }</pre>
 *
 * <p>Self-metrics are a constructor dependency rather than something {@code clean} looks up: the
 * policy is built with one {@link LabelMetrics} (by default an unregistered one, so nothing is
 * exported) and every limiter it creates shares its {@code vitals_label_overflow_total} family.
 */
public final class LabelPolicy {
    /** Default {@link #maxValueLength()}: 128 characters, as {@link LabelValues#MAX_LENGTH}. */
    public static final int DEFAULT_MAX_VALUE_LENGTH = LabelValues.MAX_LENGTH;
    /** Default {@link #maxSeriesPerMetric()}: 2,000 distinct label tuples per metric. */
    public static final int DEFAULT_MAX_SERIES_PER_METRIC = 2000;
    /** Smallest accepted {@code maxValueLength}: 16, so every placeholder and {@code __overflow__} fits. */
    public static final int MIN_VALUE_LENGTH = 16;
    /** Largest accepted {@code maxValueLength}: 1,024; longer values are ids or text, not labels. */
    public static final int MAX_VALUE_LENGTH = 1024;
    /** Largest accepted series cap per metric: 1,000,000. */
    public static final int MAX_SERIES_CAP = 1_000_000;
    /** What {@link #clean} returns in the (theoretical) case that redaction does not settle. */
    public static final String REDACTED = "[redacted]";
    /**
     * Keys clients may not claim: Prometheus' own ({@code le}, {@code quantile}), the target labels a
     * scrape adds ({@code job}, {@code instance}) and every label Vitals sets itself.
     */
    public static final Set<String> RESERVED_KEYS = Set.of(
            "le", "quantile", "job", "instance",
            "model_name", "status", "error_type", "metric", "kind",
            "gen_ai_operation_name", "gen_ai_provider_name", "gen_ai_request_model", "gen_ai_token_type");

    // Truncation can turn a harmless tail into something that looks like PII ("...415-555-2671-1" cut
    // before "-1"), so clean() re-checks its own result; 4 rounds is far more than any input needs.
    private static final int MAX_ROUNDS = 4;
    private static final PiiDetector DETECTOR = PiiDetector.get();

    private final Set<String> allowedKeys;
    private final int maxValueLength;
    private final int maxSeriesPerMetric;
    private final boolean redactPii;
    private final LabelMetrics metrics;

    private LabelPolicy(Builder b, Set<String> keys) {
        this.allowedKeys = keys;
        this.maxValueLength = b.maxValueLength;
        this.maxSeriesPerMetric = b.maxSeriesPerMetric;
        this.redactPii = b.redactPii;
        this.metrics = b.metrics != null ? b.metrics : LabelMetrics.unregistered();
    }

    /** A builder with the defaults: no custom keys, 128 characters, 2,000 series, PII redacted. */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The value made safe to use as a label value; never throws, never returns {@code null} or an
     * empty string.
     * <ol>
     *   <li>{@code null} or empty becomes {@code "unknown"};</li>
     *   <li>control characters and lone surrogates become {@code _};</li>
     *   <li>with {@code redactPii} (the default), each {@link PiiDetector} finding becomes its
     *       placeholder, e.g. {@code [email]}, and {@code vitals_label_redactions_total{kind}} goes up
     *       once per kind found in this value;</li>
     *   <li>the result is cut to {@code maxValueLength} characters, never inside a surrogate pair or a
     *       placeholder.</li>
     * </ol>
     * A value that needs none of this is returned as the same instance, and cleaning is idempotent:
     * {@code clean(clean(v)) == clean(v)}.
     */
    public String clean(String value) {
        if (value == null || value.isEmpty()) {
            return LabelValues.UNKNOWN;
        }
        try {
            return cleanNonEmpty(value);
        } catch (RuntimeException e) {
            // A bug in a scanner must neither fail the caller's recording nor let the raw value through.
            return LabelValues.UNKNOWN;
        }
    }

    private String cleanNonEmpty(String value) {
        String s = LabelValues.replaceInvalid(value, value.length());
        EnumSet<PiiDetector.Kind> kinds = null;
        for (int round = 0; round < MAX_ROUNDS; round++) {
            List<PiiDetector.Match> found = redactPii ? DETECTOR.find(s) : List.of();
            if (found.isEmpty() && s.length() <= maxValueLength) {
                count(kinds);
                return s;
            }
            if (!found.isEmpty()) {
                if (kinds == null) {
                    kinds = EnumSet.noneOf(PiiDetector.Kind.class);
                }
                for (PiiDetector.Match m : found) {
                    kinds.add(m.kind());
                }
            }
            s = redactAndCut(s, found, maxValueLength);
            if (!redactPii) {
                return s;
            }
        }
        count(kinds);
        return REDACTED;
    }

    private void count(EnumSet<PiiDetector.Kind> kinds) {
        if (kinds != null) {
            for (PiiDetector.Kind k : kinds) {
                metrics.redactions(k).inc();
            }
        }
    }

    /** Replaces the matches by placeholders, stopping at {@code max} characters. */
    private static String redactAndCut(String s, List<PiiDetector.Match> found, int max) {
        StringBuilder sb = new StringBuilder(Math.min(s.length(), max));
        int p = 0;
        for (PiiDetector.Match m : found) {
            if (!appendCut(sb, s, p, m.start(), max)) {
                return sb.toString();
            }
            String ph = m.kind().placeholder();
            if (sb.length() + ph.length() > max) {
                return sb.toString(); // a half placeholder would read as garbage; drop it whole
            }
            sb.append(ph);
            p = m.end();
        }
        appendCut(sb, s, p, s.length(), max);
        return sb.toString();
    }

    /** Appends s[from, to) up to {@code max} total characters; false when it had to cut. */
    private static boolean appendCut(StringBuilder sb, String s, int from, int to, int max) {
        int room = max - sb.length();
        if (to - from <= room) {
            sb.append(s, from, to);
            return true;
        }
        int end = from + room;
        if (end > from && Character.isHighSurrogate(s.charAt(end - 1))) {
            end--; // never split a surrogate pair
        }
        sb.append(s, from, end);
        return false;
    }

    /** True when clients may set a label with this key; {@code false} for {@code null}. */
    public boolean isAllowedKey(String key) {
        return key != null && allowedKeys.contains(key);
    }

    /** The custom keys clients may set, in the order given; unmodifiable. */
    public Set<String> allowedKeys() {
        return allowedKeys;
    }

    /** Longest label value {@link #clean} returns, in UTF-16 chars. */
    public int maxValueLength() {
        return maxValueLength;
    }

    /** Distinct label tuples a {@link #limiter} admits per metric. */
    public int maxSeriesPerMetric() {
        return maxSeriesPerMetric;
    }

    /** Whether {@link #clean} replaces personal data by placeholders. */
    public boolean redactPii() {
        return redactPii;
    }

    /** The self-metrics this policy and its limiters count in. */
    public LabelMetrics metrics() {
        return metrics;
    }

    /** A limiter for {@code metric} with this policy's cap of {@link #maxSeriesPerMetric()} tuples. */
    public SeriesLimiter limiter(String metric) {
        return limiter(metric, maxSeriesPerMetric);
    }

    /**
     * A limiter for {@code metric} admitting at most {@code maxSeries} tuples; overflows count in
     * {@code vitals_label_overflow_total{metric}}.
     *
     * @throws IllegalArgumentException if {@code metric} is null or empty or {@code maxSeries} is not in 1..1,000,000
     */
    public SeriesLimiter limiter(String metric, int maxSeries) {
        Args.notEmpty(metric, "metric");
        Args.inRange(maxSeries, 1, MAX_SERIES_CAP, "maxSeries");
        return new SeriesLimiter(maxSeries, this, metrics.overflow(metric));
    }

    @Override
    public String toString() {
        return "LabelPolicy{allowedKeys=" + allowedKeys + ", maxValueLength=" + maxValueLength
                + ", maxSeriesPerMetric=" + maxSeriesPerMetric + ", redactPii=" + redactPii + "}";
    }

    /** Fluent setters; {@link #build()} validates everything and fails with an {@link IllegalArgumentException}. */
    public static final class Builder {
        private String[] allowedKeys = new String[0];
        private int maxValueLength = DEFAULT_MAX_VALUE_LENGTH;
        private int maxSeriesPerMetric = DEFAULT_MAX_SERIES_PER_METRIC;
        private boolean redactPii = true;
        private LabelMetrics metrics;

        private Builder() {
        }

        /**
         * Custom label keys clients may set; default none. Each must match {@code [a-zA-Z_][a-zA-Z0-9_]*},
         * must not start with {@code __} and must not be one of {@link #RESERVED_KEYS}.
         */
        public Builder allowedKeys(String... keys) {
            this.allowedKeys = keys == null ? null : keys.clone();
            return this;
        }

        /** Longest label value in UTF-16 chars, 16 to 1,024; default 128. */
        public Builder maxValueLength(int maxValueLength) {
            this.maxValueLength = maxValueLength;
            return this;
        }

        /** Distinct label tuples per metric, 1 to 1,000,000; default 2,000. */
        public Builder maxSeriesPerMetric(int maxSeriesPerMetric) {
            this.maxSeriesPerMetric = maxSeriesPerMetric;
            return this;
        }

        /** Whether personal data is replaced by placeholders; default {@code true}. */
        public Builder redactPii(boolean redactPii) {
            this.redactPii = redactPii;
            return this;
        }

        /** Where redactions and overflows are counted; default an unregistered {@link LabelMetrics}. */
        public Builder metrics(LabelMetrics metrics) {
            this.metrics = metrics;
            return this;
        }

        /**
         * The policy.
         *
         * @throws IllegalArgumentException naming the first invalid setting
         */
        public LabelPolicy build() {
            Objects.requireNonNull(allowedKeys, "allowedKeys must not be null");
            Set<String> keys = new LinkedHashSet<>();
            for (String k : allowedKeys) {
                if (k == null) {
                    throw new IllegalArgumentException("allowed key must not be null");
                }
                if (!isLabelName(k)) {
                    throw new IllegalArgumentException("allowed key \"" + k
                            + "\" is not a valid Prometheus label name [a-zA-Z_][a-zA-Z0-9_]*");
                }
                if (k.startsWith("__")) {
                    throw new IllegalArgumentException("allowed key \"" + k + "\" must not start with \"__\" (reserved by Prometheus)");
                }
                if (RESERVED_KEYS.contains(k)) {
                    throw new IllegalArgumentException("allowed key \"" + k + "\" is reserved");
                }
                if (!keys.add(k)) {
                    throw new IllegalArgumentException("allowed key \"" + k + "\" is listed twice");
                }
            }
            Args.inRange(maxValueLength, MIN_VALUE_LENGTH, MAX_VALUE_LENGTH, "maxValueLength");
            Args.inRange(maxSeriesPerMetric, 1, MAX_SERIES_CAP, "maxSeriesPerMetric");
            return new LabelPolicy(this, Collections.unmodifiableSet(keys));
        }

        private static boolean isLabelName(String k) {
            if (k.isEmpty()) {
                return false;
            }
            for (int i = 0; i < k.length(); i++) {
                char c = k.charAt(i);
                boolean ok = c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c == '_' || i > 0 && c >= '0' && c <= '9';
                if (!ok) {
                    return false;
                }
            }
            return true;
        }
    }
}
