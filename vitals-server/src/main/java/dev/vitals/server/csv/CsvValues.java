package dev.vitals.server.csv;

import com.fasterxml.jackson.core.io.NumberInput;

/**
 * The value rules every CSV input shares (see {@link CsvReader}): nulls, numbers, the delimiter sniff, and how a
 * value is quoted in a message.
 */
public final class CsvValues {
    private CsvValues() {
    }

    /**
     * The delimiter of a file from its first bytes: the most frequent of {@code ,} {@code ;} and tab outside double
     * quotes in the header line, the first non-blank line (ties in that order); {@code ,} when none occurs.
     */
    public static char sniffDelimiter(byte[] head, int from) {
        int comma = 0;
        int semicolon = 0;
        int tab = 0;
        boolean quoted = false;
        boolean started = false;
        for (int i = from; i < head.length; i++) {
            byte b = head[i];
            if (!started && (b == '\n' || b == '\r')) {
                continue; // blank lines before the header
            }
            started = true;
            if (b == '"') {
                quoted = !quoted;
            } else if (!quoted) {
                if (b == '\n' || b == '\r') {
                    break;
                }
                if (b == ',') {
                    comma++;
                } else if (b == ';') {
                    semicolon++;
                } else if (b == '\t') {
                    tab++;
                }
            }
        }
        if (comma >= semicolon && comma >= tab) {
            return ',';
        }
        return semicolon >= tab ? ';' : '\t';
    }

    /** Null markers: empty, NA, NaN, null (any case, surrounding spaces ignored). */
    public static boolean isNull(String s) {
        int from = trimStart(s);
        int to = trimEnd(s, from);
        int len = to - from;
        if (len == 0) {
            return true;
        }
        if (len > 4 || len < 2) {
            return false;
        }
        return s.regionMatches(true, from, "na", 0, 2) && len == 2
                || s.regionMatches(true, from, "nan", 0, 3) && len == 3
                || s.regionMatches(true, from, "null", 0, 4) && len == 4;
    }

    /**
     * Whether a non-null value is a decimal number: optional sign, digits with an optional fraction (or a fraction
     * alone), an optional exponent; or inf/infinity with an optional sign, any case. Surrounding spaces ignored.
     */
    public static boolean isNumber(String s) {
        int i = trimStart(s);
        int n = trimEnd(s, i);
        if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
            i++;
        }
        if (i >= n) {
            return false;
        }
        char c0 = s.charAt(i);
        if (c0 == 'i' || c0 == 'I') {
            int len = n - i;
            return (len == 3 && s.regionMatches(true, i, "inf", 0, 3))
                    || (len == 8 && s.regionMatches(true, i, "infinity", 0, 8));
        }
        int digits = 0;
        while (i < n && isDigit(s.charAt(i))) {
            i++;
            digits++;
        }
        if (i < n && s.charAt(i) == '.') {
            i++;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                digits++;
            }
        }
        if (digits == 0) {
            return false;
        }
        if (i < n && (s.charAt(i) == 'e' || s.charAt(i) == 'E')) {
            i++;
            if (i < n && (s.charAt(i) == '+' || s.charAt(i) == '-')) {
                i++;
            }
            int exp = 0;
            while (i < n && isDigit(s.charAt(i))) {
                i++;
                exp++;
            }
            if (exp == 0) {
                return false;
            }
        }
        return i == n;
    }

    /** The index of the first character above a space (control characters count as spaces), or the length. */
    private static int trimStart(String s) {
        int i = 0;
        while (i < s.length() && s.charAt(i) <= ' ') {
            i++;
        }
        return i;
    }

    /** One past the last character above a space at or after {@code from}, or {@code from}. */
    private static int trimEnd(String s, int from) {
        int n = s.length();
        while (n > from && s.charAt(n - 1) <= ' ') {
            n--;
        }
        return n;
    }

    private static boolean isDigit(char c) {
        return c >= '0' && c <= '9';
    }

    /** Parses a value {@link #isNumber} accepted. */
    public static double parseNumber(String s) {
        String t = s.strip();
        char c = t.charAt(0);
        int sign = c == '-' ? -1 : 1;
        int start = c == '+' || c == '-' ? 1 : 0;
        char d = t.charAt(start);
        if (d == 'i' || d == 'I') {
            return sign * Double.POSITIVE_INFINITY;
        }
        return NumberInput.parseDouble(t, true);
    }

    private static final double[] POW10 = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13,
        1e14, 1e15, 1e16, 1e17, 1e18};

    /**
     * The value of a plain decimal ({@code -12.345}: optional sign, digits, optional point and digits; no spaces or
     * exponent) whose digits make an integer {@code m} of at most 2^53, as {@code m / 10^k} (Clinger's fast path:
     * both operands are exact doubles, so the division's one rounding gives the correctly rounded value, the same
     * double {@link #parseNumber} returns, without its scans); NaN for any other form, which the general rules
     * ({@link #isNull}, {@link #isNumber}) then decide. The common case of a CSV of numbers, at a fraction of the
     * cost.
     */
    public static double parsePlainDecimal(String s) {
        long p = scanPlain(s);
        return p < 0 ? Double.NaN : plainDouble(p);
    }

    /** The value of a {@link #scanPlain} result: {@code m / 10^decimals}, signed. */
    static double plainDouble(long packed) {
        long m = plainMantissa(packed);
        int d = plainDecimals(packed);
        double v = d == 0 ? (double) m : m / POW10[d];
        return plainNegative(packed) ? -v : v;
    }

    /**
     * A plain decimal ({@code -12.345}: optional sign, digits, optional point and digits; no spaces or exponent) of at
     * most 18 digits that make an integer {@code m} of at most 2^53, scanned once: {@code m}, the digits after the point
     * and the sign packed as {@code m << 6 | decimals << 1 | negative} (read with {@link #plainMantissa},
     * {@link #plainDecimals}, {@link #plainNegative}); -1 for any other text.
     */
    static long scanPlain(String s) {
        int n = s.length();
        int i = 0;
        boolean negative = false;
        if (n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+')) {
            negative = s.charAt(0) == '-';
            i = 1;
        }
        long m = 0;
        int digits = 0;
        int decimals = -1;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                if (++digits > 18) {
                    return -1;
                }
                m = m * 10 + (c - '0');
                if (decimals >= 0) {
                    decimals++;
                }
            } else if (c == '.' && decimals < 0) {
                decimals = 0;
            } else {
                return -1;
            }
        }
        if (digits == 0 || m > (1L << 53)) {
            return -1;
        }
        return m << 6 | (long) Math.max(decimals, 0) << 1 | (negative ? 1 : 0);
    }

    static long plainMantissa(long packed) {
        return packed >>> 6;
    }

    static int plainDecimals(long packed) {
        return (int) (packed >>> 1) & 31;
    }

    static boolean plainNegative(long packed) {
        return (packed & 1) != 0;
    }

    /**
     * The value of a plain decimal's digits read as the integer {@code m} ({@code digits} of them, {@code decimals}
     * after the point, -1 without a point): {@code m / 10^k}, or NaN past the fast path (19 digits, m over 2^53).
     * The digit loop may overflow m past 18 digits; the result is then NaN.
     */
    static double plainValue(long m, int digits, int decimals, boolean negative) {
        if (digits == 0 || digits > 18 || m > (1L << 53)) {
            return Double.NaN;
        }
        double v = decimals <= 0 ? (double) m : m / POW10[decimals];
        return negative ? -v : v;
    }

    /**
     * The value of a plain decimal ({@code -12.345}: optional sign, digits, optional point and digits; no spaces or
     * exponent) of any length: {@link #parsePlainDecimal}'s fast path, and for more digits than it takes the general
     * parser directly (the same double {@link #parseNumber} gives, without its checks); NaN for any other form and for
     * digits past a double's range.
     */
    public static double parseDecimal(String s) {
        double plain = parsePlainDecimal(s);
        if (plain == plain || !isPlainSyntax(s)) {
            return plain;
        }
        return finiteOrNaN(NumberInput.parseDouble(s, true));
    }

    /** NaN for a value out of a double's range: the text path then refuses it with its own message. */
    static double finiteOrNaN(double v) {
        return Double.isInfinite(v) ? Double.NaN : v;
    }

    /** Optional sign, then digits with at most one point, at least one digit. */
    private static boolean isPlainSyntax(String s) {
        int n = s.length();
        int i = n > 0 && (s.charAt(0) == '-' || s.charAt(0) == '+') ? 1 : 0;
        boolean point = false;
        boolean digit = false;
        for (; i < n; i++) {
            char c = s.charAt(i);
            if (c >= '0' && c <= '9') {
                digit = true;
            } else if (c == '.' && !point) {
                point = true;
            } else {
                return false;
            }
        }
        return digit;
    }

    /** At most 60 characters, control characters as {@code ?}: a value as a message quotes it. */
    public static String shorten(String s) {
        String t = s.length() > 60 ? s.substring(0, 57) + "..." : s;
        StringBuilder b = new StringBuilder(t.length());
        for (int i = 0; i < t.length(); i++) {
            char c = t.charAt(i);
            b.append(c < ' ' || c == 0x7f ? '?' : c);
        }
        return b.toString();
    }

}
