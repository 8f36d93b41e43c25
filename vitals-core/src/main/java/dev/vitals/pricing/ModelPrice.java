package dev.vitals.pricing;

/**
 * USD prices of one model per 1,000,000 tokens.
 *
 * @param inputPerMillion price of input tokens that were not cache hits
 * @param outputPerMillion price of output tokens
 * @param cachedInputPerMillion price of cached input tokens (equal to the input price when the catalog names none)
 */
public record ModelPrice(double inputPerMillion, double outputPerMillion, double cachedInputPerMillion) {

    public ModelPrice {
        check("input", inputPerMillion);
        check("output", outputPerMillion);
        check("cached_input", cachedInputPerMillion);
    }

    private static void check(String field, double v) {
        if (!Double.isFinite(v) || v < 0) {
            throw new IllegalArgumentException(field + " price must be a finite number >= 0, got " + v);
        }
    }

    /**
     * Cost in USD of a call: uncached input, cached input and output tokens at their prices.
     * {@code cached} is clamped to {@code input}.
     */
    public double cost(long input, long cached, long output) {
        long c = Math.min(Math.max(cached, 0), input);
        return ((input - c) * inputPerMillion + c * cachedInputPerMillion + output * outputPerMillion) / 1_000_000d;
    }
}
