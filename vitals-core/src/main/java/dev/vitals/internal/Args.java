package dev.vitals.internal;

import java.time.Duration;
import java.util.Objects;

/**
 * Argument checks with one rule for the whole code base: a null argument is a
 * {@link NullPointerException} with "{@code <name> must not be null}" (as {@link Objects#requireNonNull}
 * and client_java), a bad value an {@link IllegalArgumentException} that names the argument, the value
 * and what is allowed. Where {@code Objects.requireNonNull(x, "x must not be null")} suffices, it is used
 * directly. Not part of the public API.
 */
public final class Args {
    private Args() {
    }

    /** {@code value}, or a {@link NullPointerException} "{@code name} must not be null". */
    public static <T> T notNull(T value, String name) {
        return Objects.requireNonNull(value, () -> name + " must not be null");
    }

    /** {@code value} when in {@code [min, max]}: "{@code name} must be in [min, max], got value". */
    public static int inRange(int value, int min, int max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** {@code value} when in {@code [min, max]}: "{@code name} must be in [min, max], got value". */
    public static long inRange(long value, long min, long max, String name) {
        if (value < min || value > max) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** {@code value} when in {@code [min, max]} (NaN is not): "{@code name} must be in [min, max], got value". */
    public static double inRange(double value, double min, double max, String name) {
        if (!(value >= min && value <= max)) {
            throw new IllegalArgumentException(name + " must be in [" + min + ", " + max + "], got " + value);
        }
        return value;
    }

    /** {@code value} when {@code >= min}: "{@code name} must be >= min, got value". */
    public static int atLeast(int value, int min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /** {@code value} when {@code >= min}: "{@code name} must be >= min, got value". */
    public static long atLeast(long value, long min, String name) {
        if (value < min) {
            throw new IllegalArgumentException(name + " must be >= " + min + ", got " + value);
        }
        return value;
    }

    /** A finite {@code value > 0}: "{@code name} must be finite and > 0, got value". */
    public static double finitePositive(double value, String name) {
        if (!(value > 0) || Double.isInfinite(value)) {
            throw new IllegalArgumentException(name + " must be finite and > 0, got " + value);
        }
        return value;
    }

    /** A finite {@code value >= min}: "{@code name} must be finite and >= min, got value" (a whole min without ".0"). */
    public static double finiteAtLeast(double value, double min, String name) {
        if (!(value >= min) || Double.isInfinite(value)) {
            String bound = min == Math.rint(min) ? Long.toString((long) min) : Double.toString(min);
            throw new IllegalArgumentException(name + " must be finite and >= " + bound + ", got " + value);
        }
        return value;
    }

    /**
     * A non-null duration {@code >= min}: "{@code name} must be >= 1s, got value", the minimum in whole
     * seconds, or else in milliseconds ("100ms").
     */
    public static Duration atLeast(Duration value, Duration min, String name) {
        notNull(value, name);
        if (value.compareTo(min) < 0) {
            String bound = min.toMillis() % 1000 == 0 ? min.toSeconds() + "s" : min.toMillis() + "ms";
            throw new IllegalArgumentException(name + " must be >= " + bound + ", got " + value);
        }
        return value;
    }

    /** A non-null, positive duration: "{@code name} must be a positive duration, got value". */
    public static Duration positive(Duration value, String name) {
        notNull(value, name);
        if (value.isNegative() || value.isZero()) {
            throw new IllegalArgumentException(name + " must be a positive duration, got " + value);
        }
        return value;
    }

    /** A non-null duration {@code >= 0}: "{@code name} must be a non-negative duration, got value". */
    public static Duration nonNegative(Duration value, String name) {
        notNull(value, name);
        if (value.isNegative()) {
            throw new IllegalArgumentException(name + " must be a non-negative duration, got " + value);
        }
        return value;
    }

    /** A non-null, non-empty string: "{@code name} must be a non-empty string". */
    public static String notEmpty(String value, String name) {
        notNull(value, name);
        if (value.isEmpty()) {
            throw new IllegalArgumentException(name + " must be a non-empty string");
        }
        return value;
    }
}
