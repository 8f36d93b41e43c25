package dev.vitals.server.telemetry;

import java.time.Instant;

/**
 * Appends JSON members to a {@link StringBuilder} exactly as Vert.x's {@code JsonObject.encode()} (Jackson with
 * its default features) writes them, without building a tree: the request log writes one line per call.
 */
final class JsonText {
    private static final char[] HEX = "0123456789ABCDEF".toCharArray();

    private JsonText() {
    }

    /** {@code "name":} preceded by a comma unless it is the object's first member. */
    static StringBuilder name(StringBuilder out, String name) {
        if (out.charAt(out.length() - 1) != '{') {
            out.append(',');
        }
        return out.append('"').append(name).append("\":");
    }

    static void string(StringBuilder out, String name, String value) {
        name(out, name);
        if (value == null) {
            out.append("null");
            return;
        }
        out.append('"');
        int start = 0;
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            out.append(value, start, i).append('\\');
            switch (c) {
                case '"', '\\' -> out.append(c);
                case '\b' -> out.append('b');
                case '\t' -> out.append('t');
                case '\n' -> out.append('n');
                case '\f' -> out.append('f');
                case '\r' -> out.append('r');
                default -> out.append("u00").append(HEX[c >> 4]).append(HEX[c & 0xf]);
            }
            start = i + 1;
        }
        out.append(value, start, value.length()).append('"');
    }

    static void number(StringBuilder out, String name, long value) {
        name(out, name).append(value);
    }

    static void bool(StringBuilder out, String name, boolean value) {
        name(out, name).append(value);
    }

    /** A double as Jackson writes it ({@link Double#toString}); NaN and infinities as strings; {@code null} when asked. */
    static void number(StringBuilder out, String name, double value, boolean nanIsNull) {
        if (Double.isNaN(value) && nanIsNull) {
            name(out, name).append("null");
        } else if (Double.isNaN(value) || Double.isInfinite(value)) {
            name(out, name).append('"').append(value).append('"');
        } else {
            name(out, name).append(value);
        }
    }

    /**
     * {@link Instant#toString()} without its formatter per line: the date and time of day of the last second
     * seen are kept (one writer thread uses it), the fraction is appended as ISO_INSTANT writes it (none, or
     * 3, 6 or 9 digits).
     */
    static final class Times {
        private long second = Long.MIN_VALUE;
        private String prefix;

        void append(StringBuilder out, Instant t) {
            if (t.getEpochSecond() != second) {
                String s = Instant.ofEpochSecond(t.getEpochSecond()).toString();
                prefix = s.substring(0, s.length() - 1); // without its 'Z'
                second = t.getEpochSecond();
            }
            out.append(prefix);
            int nano = t.getNano();
            if (nano != 0) {
                out.append('.');
                int digits = nano % 1_000_000 == 0 ? 3 : nano % 1000 == 0 ? 6 : 9;
                int v = digits == 3 ? nano / 1_000_000 : digits == 6 ? nano / 1000 : nano;
                for (int p = digits == 3 ? 100 : digits == 6 ? 100_000 : 100_000_000; p > 0; p /= 10) {
                    out.append((char) ('0' + v / p % 10));
                }
            }
            out.append('Z');
        }
    }
}
