package dev.vitals.labels;

/**
 * Makes a client-supplied string safe to use as a label value: valid UTF-16 (lone surrogates and
 * control characters become {@code _}), at most {@link #MAX_LENGTH} characters, never empty.
 * Bounding how many distinct values a metric gets is the job of the owner of the series cache;
 * values past that bound become {@link #OVERFLOW}.
 */
public final class LabelValues {
    /** Longest label value kept; longer values are cut. */
    public static final int MAX_LENGTH = 128;
    /** The value every label set past a metric's cap folds into. */
    public static final String OVERFLOW = "__overflow__";
    /** The value used for a missing or empty input. */
    public static final String UNKNOWN = "unknown";

    private LabelValues() {
    }

    /** Returns {@code value} unchanged when already safe, otherwise a cleaned copy. */
    public static String sanitize(String value) {
        if (value == null || value.isEmpty()) {
            return UNKNOWN;
        }
        return replaceInvalid(value, Math.min(value.length(), MAX_LENGTH));
    }

    /**
     * The first {@code n} characters of {@code s} with lone surrogates and control characters replaced by
     * {@code _}; {@code s} itself when that changes nothing (no copy on the common, clean path).
     */
    static String replaceInvalid(String s, int n) {
        int i = 0;
        while (i < n) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                i += 2;
            } else if (Character.isSurrogate(c) || Character.isISOControl(c)) {
                break;
            } else {
                i++;
            }
        }
        if (i == s.length()) {
            return s;
        }
        StringBuilder sb = new StringBuilder(n).append(s, 0, i);
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                sb.append(c).append(s.charAt(++i));
            } else if (Character.isSurrogate(c) || Character.isISOControl(c)) {
                sb.append('_');
            } else {
                sb.append(c);
            }
        }
        return sb.toString();
    }
}
