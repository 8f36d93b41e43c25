package dev.vitals.internal;

/** Word counting shared by the conciseness evaluator and the simulated model's token count. Not public API. */
public final class Words {
    private Words() {
    }

    /** Whitespace-separated words ({@link Character#isWhitespace}). */
    public static int count(String s) {
        int n = 0;
        boolean in = false;
        for (int i = 0; i < s.length(); i++) {
            boolean ws = Character.isWhitespace(s.charAt(i));
            if (!ws && !in) {
                n++;
            }
            in = !ws;
        }
        return n;
    }
}
