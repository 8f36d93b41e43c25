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
