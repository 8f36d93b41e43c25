package dev.vitals.internal;

import java.util.function.Function;

/** Lookup of an enum constant by its JSON wire name, with one error message for every enum. Not part of the public API. */
public final class WireNames {
    private WireNames() {
    }

    /**
     * The constant whose wire name is {@code wireName}, or an {@link IllegalArgumentException}
     * "unknown {@code what} "x"; expected a, b or c".
     */
    public static <E extends Enum<E>> E parse(E[] values, Function<E, String> wireNameOf, String wireName, String what) {
        StringBuilder expected = new StringBuilder();
        for (int i = 0; i < values.length; i++) {
            String n = wireNameOf.apply(values[i]);
            if (n.equals(wireName)) {
                return values[i];
            }
            expected.append(i == 0 ? "" : i == values.length - 1 ? " or " : ", ").append(n);
        }
        throw new IllegalArgumentException("unknown " + what + " " + (wireName == null ? "null" : "\"" + wireName + "\"")
                + "; expected " + expected);
    }
}
