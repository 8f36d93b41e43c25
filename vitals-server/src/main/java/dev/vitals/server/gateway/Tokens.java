package dev.vitals.server.gateway;

/**
 * Token estimates for when a backend reports no usage. One token is taken as four characters of
 * text (OpenAI's rule of thumb for English), rounded up; a stream's output is one token per content
 * chunk. Estimated counts are marked as such in the call record.
 */
public final class Tokens {
    private Tokens() {
    }

    /** ceil(chars / 4), and at least 1 for non-empty text. */
    public static long estimateFromChars(long chars) {
        return (chars + 3) / 4;
    }

    /** Whitespace-separated words: the simulated model's input token count, as in the source document. */
    public static int words(String text) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < text.length(); i++) {
            boolean ws = Character.isWhitespace(text.charAt(i));
            if (!ws && !in) {
                n++;
            }
            in = !ws;
        }
        return n;
    }
}
