package dev.vitals.quality.eval;

import dev.vitals.quality.Score;
import dev.vitals.quality.ScoreSource;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * A coherence proxy: {@code repetition} is the share of the response's word n-grams (lower-cased,
 * default n = 3) that repeat an earlier one, 0 for text with no repeats and close to 1 for a model
 * stuck in a loop. Responses with fewer than n + 1 words score 0.
 *
 * <p>Words are what {@code text.toLowerCase(Locale.ROOT).trim().split("[\\s\\p{Punct}]+")} gives. They are
 * found as offsets into the text and compared lower-cased in place, the n-grams kept in an open-addressing
 * table of int arrays reused by the thread: no string per word or n-gram (those were most of what scoring a
 * call allocated). Text holding the two letters whose lower case depends on their context (U+0130, U+03A3)
 * takes the string path, which is the definition.
 */
public final class Repetition implements Evaluator {
    public static final String NAME = "repetition";
    /** Scratch arrays larger than this many words are not kept for the next call. */
    private static final int KEEP_WORDS = 1 << 12; // about 100 KB a thread at most
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private final int n;

    public Repetition(int n) {
        if (n < 1 || n > 10) {
            throw new IllegalArgumentException("repetition n-gram size must be 1..10, got " + n);
        }
        this.n = n;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public void evaluate(EvalInput in, List<Score> out) {
        out.add(Score.numeric(NAME, ScoreSource.CODE, share(in.response(), n)));
    }

    /** The share of repeated word n-grams of {@code text}. */
    public static double share(String text, int n) {
        int from = 0;
        int to = text.length();
        while (from < to && text.charAt(from) <= ' ') { // what trim() removes; lower-casing never makes or removes those
            from++;
        }
        while (to > from && text.charAt(to - 1) <= ' ') {
            to--;
        }
        Scratch s = SCRATCH.get();
        try {
            if (!s.words(text, from, to)) {
                return byStrings(text, n);
            }
            int total = s.count - n + 1;
            return total < 2 ? 0 : (double) s.repeats(text, n, total) / total;
        } finally {
            if (s.count > KEEP_WORDS) { // also when the scan stopped for byStrings: it grew the arrays up to there
                SCRATCH.remove();
            }
        }
    }

    /** The definition, on strings. */
    static double byStrings(String text, int n) {
        String[] w = text.toLowerCase(Locale.ROOT).trim().split("[\\s\\p{Punct}]+");
        int total = w.length - n + 1;
        if (w.length == 0 || w[0].isEmpty() && w.length == 1 || total < 2) {
            return 0;
        }
        Set<String> seen = new HashSet<>(total * 2);
        int repeated = 0;
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < total; i++) {
            sb.setLength(0);
            for (int j = i; j < i + n; j++) {
                sb.append(w[j]).append(' ');
            }
            if (!seen.add(sb.toString())) {
                repeated++;
            }
        }
        return (double) repeated / total;
    }

    /** {@code [\s\p{Punct}]}: ASCII white space as {@code \s} knows it, and ASCII punctuation. */
    private static boolean delimiter(char c) {
        return c == ' ' || c >= '\t' && c <= '\r' || c >= '!' && c <= '/' || c >= ':' && c <= '@'
                || c >= '[' && c <= '`' || c >= '{' && c <= '~';
    }

    /** The lower case of the code point at {@code i}, as {@code String.toLowerCase(Locale.ROOT)} has it. */
    private static int lower(String text, int i) {
        char c = text.charAt(i);
        if (c < 0x80) {
            return c >= 'A' && c <= 'Z' ? c + 32 : c;
        }
        return Character.toLowerCase(text.codePointAt(i));
    }

    /** One thread's word offsets, word hashes and n-gram table. */
    private static final class Scratch {
        int[] start = new int[256];
        int[] end = new int[256];
        int[] hash = new int[256];
        int[] table = new int[512];
        int[] tableHash = new int[512];
        int count;

        /** Finds the words of {@code text[from, to)}; false when the text needs the string path. */
        boolean words(String text, int from, int to) {
            count = 0;
            int i = from;
            if (i < to && delimiter(text.charAt(i))) {
                add(i, i, 0); // split keeps the empty word before a leading delimiter
            }
            while (i < to) {
                while (i < to && delimiter(text.charAt(i))) {
                    i++;
                }
                if (i == to) {
                    break;
                }
                int b = i;
                int h = 0;
                while (i < to) {
                    char c = text.charAt(i);
                    if (delimiter(c)) {
                        break;
                    }
                    if (c == '\u0130' || c == '\u03a3') {
                        return false;
                    }
                    int cp = lower(text, i);
                    h = 31 * h + cp;
                    i += Character.isHighSurrogate(c) && i + 1 < to && Character.isLowSurrogate(text.charAt(i + 1)) ? 2 : 1;
                }
                add(b, i, h);
            }
            return true;
        }

        private void add(int b, int e, int h) {
            if (count == start.length) {
                start = java.util.Arrays.copyOf(start, count * 2);
                end = java.util.Arrays.copyOf(end, count * 2);
                hash = java.util.Arrays.copyOf(hash, count * 2);
            }
            start[count] = b;
            end[count] = e;
            hash[count] = h;
            count++;
        }

        /** How many of the {@code total} n-grams repeat an earlier one. */
        int repeats(String text, int n, int total) {
            int size = Integer.highestOneBit(Math.max(4, total) * 2 - 1) << 1;
            if (table.length < size) {
                table = new int[size];
                tableHash = new int[size];
            } else {
                java.util.Arrays.fill(table, 0, size, 0);
            }
            int mask = size - 1;
            int repeated = 0;
            for (int i = 0; i < total; i++) {
                int g = 0;
                for (int j = i; j < i + n; j++) {
                    g = g * 0x9E3779B1 + hash[j];
                }
                g ^= g >>> 16;
                int slot = g & mask;
                while (true) {
                    int k = table[slot];
                    if (k == 0) {
                        table[slot] = i + 1;
                        tableHash[slot] = g;
                        break;
                    }
                    if (tableHash[slot] == g && sameGram(text, k - 1, i, n)) {
                        repeated++;
                        break;
                    }
                    slot = (slot + 1) & mask;
                }
            }
            return repeated;
        }

        private boolean sameGram(String text, int a, int b, int n) {
            for (int j = 0; j < n; j++) {
                if (hash[a + j] != hash[b + j] || !sameWord(text, a + j, b + j)) {
                    return false;
                }
            }
            return true;
        }

        private boolean sameWord(String text, int a, int b) {
            int i = start[a];
            int ie = end[a];
            int k = start[b];
            int ke = end[b];
            while (i < ie && k < ke) {
                int x = lower(text, i);
                int y = lower(text, k);
                if (x != y) {
                    return false;
                }
                i += Character.charCount(text.codePointAt(i));
                k += Character.charCount(text.codePointAt(k));
            }
            return i == ie && k == ke;
        }
    }
}
