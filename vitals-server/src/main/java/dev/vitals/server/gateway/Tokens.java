package dev.vitals.server.gateway;

/**
 * Token estimates for when a backend reports no usage. One token is taken as four characters of
 * text (OpenAI's rule of thumb for English), rounded up. Output counts everything the model produced
 * (content, reasoning, tool-call names and arguments); a stream's output is at least one token per
 * chunk that produced any, and never fewer than ⌈characters/4⌉. Estimated counts are marked as such
 * in the call record.
 */
public final class Tokens {
    private Tokens() {
    }

    /** ceil(chars / 4), and at least 1 for non-empty text. */
    public static long estimateFromChars(long chars) {
        return (chars + 3) / 4;
    }

    /** Output tokens of {@code chunks} producing chunks (0 when not streamed) with {@code chars} produced characters. */
    public static long estimateOutput(long chunks, long chars) {
        return Math.max(chunks, estimateFromChars(chars));
    }
}
