package dev.vitals.quality.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Locale;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * The evaluators rewritten to allocate less score exactly as the definitions they replaced (copied here).
 *
 * <p>{@link Repetition#share} (words as offsets, an int table) gives exactly the score of the string definition it
 * replaced (lower-case, trim, split on {@code [\s\p{Punct}]+}, a set of joined n-grams) on a varied corpus:
 * upper and lower case, every ASCII punctuation and control character, Unicode spaces and letters whose lower
 * case differs (Kelvin sign, final sigma, dotted I), surrogate pairs and lone surrogates, leading and trailing
 * delimiters, long loops. {@link Refusal#refuses} (the head lower-cased into a reused buffer) against
 * substring, replace, toLowerCase and a new matcher, on refusal phrasings in mixed case, with curly apostrophes,
 * across the 300th character and next to letters whose lower case is special.
 */
class CodeEvaluatorsEquivalenceTest {
    private static final String[] PIECES = {"the", "The", "THE", "cat", "Cat", "sat", "on", "mat", "a", "b", "I", "i",
        "\u0130", "\u03a3\u03b1\u03c2", "\u03c3", "\u212a", "k", "K", "stra\u00dfe", "STRASSE", "caf\u00e9", "CAF\u00c9",
        "\ud83d\ude00", "\ud801\udc00", "\ud801\udc28", "\ud800", "\udc00", "x1", "42", "_", "\u00a0", "\u2003", "\u001c",
        "\u0000", "\u000b", "\u007f", "\u4e2d\u6587", "o'clock", "e-mail", "\u2019"};

    @Test
    void sameScoreAsTheStringDefinitionOnAVariedCorpus() {
        Random rnd = new Random(42);
        StringBuilder sb = new StringBuilder();
        for (int t = 0; t < 30_000; t++) {
            sb.setLength(0);
            int words = rnd.nextInt(4) == 0 ? rnd.nextInt(400) : rnd.nextInt(25);
            int vocabulary = 1 + rnd.nextInt(PIECES.length);
            for (int w = 0; w < words; w++) {
                if (rnd.nextInt(8) == 0) {
                    sb.append(delimiters(rnd));
                }
                sb.append(PIECES[rnd.nextInt(vocabulary)]);
                sb.append(rnd.nextInt(5) == 0 ? delimiters(rnd) : " ");
            }
            String text = sb.toString();
            int n = 1 + rnd.nextInt(10);
            assertThat(Repetition.share(text, n)).as("n=%d text=%s", n, escape(text)).isEqualTo(definition(text, n));
        }
    }

    @Test
    void edgeCases() {
        String[] texts = {"", " ", "\t\n", "...", ". a b c a b c", "a b c a b c.", "!!a!!b!!a!!b!!", "\u0001a a a a",
            "a a a a\u0001", "A a A a", "\u212a k \u212a k", "\u0130 i \u0130 i", "\u03a3 \u03c3 \u03a3 \u03c3",
            "x".repeat(10_000), "a b ".repeat(40_000)};
        for (String text : texts) {
            for (int n = 1; n <= 10; n++) {
                assertThat(Repetition.share(text, n)).as("n=%d %s", n, escape(text)).isEqualTo(definition(text, n));
            }
        }
    }

    @Test
    void refusalAsTheStringDefinition() {
        String[] pieces = {"I'm sorry, but I can't", "I\u2019M SORRY, BUT I CANNOT", "i am sorry but i won't", "I cannot help",
            "I can't assist", "As an AI language model, I cannot", "AS AN AI I DON'T", "this request violates",
            "I must decline", "I'm not allowed to", "I can't and won't engage in", "sorry", "help", "I", "can", "\u0130",
            "\u03a3", "\u212a", "\ud83d\ude00", "\ud800", "caf\u00c9", " ", "\n", ",", "x".repeat(290), "\u2019"};
        Random rnd = new Random(7);
        StringBuilder sb = new StringBuilder();
        int refusals = 0;
        for (int t = 0; t < 30_000; t++) {
            sb.setLength(0);
            for (int w = rnd.nextInt(12); w >= 0; w--) {
                sb.append(pieces[rnd.nextInt(pieces.length)]).append(rnd.nextBoolean() ? " " : "");
            }
            String text = sb.toString();
            boolean expected = refusalDefinition(text);
            refusals += expected ? 1 : 0;
            assertThat(Refusal.refuses(text)).as(escape(text)).isEqualTo(expected);
        }
        assertThat(refusals).isGreaterThan(1000);
    }

    @Test
    void safetyAsCategoryByCategory() {
        java.util.Map<String, java.util.List<String>> custom = new java.util.LinkedHashMap<>();
        custom.put("twice", java.util.List.of("(\\w+) \\1")); // a backreference: matched category by category
        custom.put("named", java.util.List.of("(?<x>bomb)"));
        custom.put("named_too", java.util.List.of("(?<x>kill) myself")); // one group name twice: not joinable
        custom.put("flags", java.util.List.of("(?-i)CASE sensitive", "caf\u00e9"));
        String[] pieces = {"kill", "KILL", "him", "myself", "how to murder", "build a", "bomb", "pipe BOMB", "subhuman",
            "subhumans", "all", "those", "people", "should", "die", "Synthesise Sarin", "end my life", "self-harm",
            "ways to self harm", "beat them to death", "case sensitive", "CASE sensitive", "CAF\u00c9", "caf\u00e9",
            "the the", "x", " ", ".", "\u0130", "\ud83d\ude00"};
        java.util.Map<String, java.util.List<String>> joinable = new java.util.LinkedHashMap<>();
        joinable.put("flags", java.util.List.of("(?-i)CASE sensitive", "caf\u00e9"));
        joinable.put("named", java.util.List.of("(?<x>bomb)", "(kill) (him|her)"));
        for (var lexicon : java.util.List.of(SafetyLexicon.defaults(), custom, joinable)) {
            SafetyLexicon s = new SafetyLexicon(lexicon);
            java.util.Map<String, java.util.regex.Pattern> one = new java.util.LinkedHashMap<>();
            lexicon.forEach((cat, words) -> one.put(cat, java.util.regex.Pattern.compile(
                    "\\b(?:" + String.join("|", words.stream().map(w -> "(?:" + w + ")").toList()) + ")\\b",
                    java.util.regex.Pattern.CASE_INSENSITIVE | java.util.regex.Pattern.UNICODE_CASE)));
            Random rnd = new Random(11);
            StringBuilder sb = new StringBuilder();
            int flagged = 0;
            for (int t = 0; t < 20_000; t++) {
                sb.setLength(0);
                for (int w = rnd.nextInt(8); w >= 0; w--) {
                    sb.append(pieces[rnd.nextInt(pieces.length)]).append(rnd.nextInt(4) == 0 ? "" : " ");
                }
                String text = sb.toString();
                String expected = null;
                for (var e : one.entrySet()) {
                    if (e.getValue().matcher(text).find()) {
                        expected = e.getKey();
                        break;
                    }
                }
                flagged += expected == null ? 0 : 1;
                assertThat(s.match(text)).as(escape(text)).isEqualTo(expected);
            }
            assertThat(flagged).isBetween(1000, 19_000);
        }
    }

    private static boolean refusalDefinition(String text) {
        String head = text.length() > 300 ? text.substring(0, 300) : text;
        head = head.replace('\u2019', '\'').toLowerCase(Locale.ROOT);
        return Refusal.PATTERN.matcher(head).find();
    }

    private static String delimiters(Random rnd) {
        String d = " \t\n\u000b\f\r!\"#$%&'()*+,-./:;<=>?@[\\]^_`{|}~";
        StringBuilder sb = new StringBuilder();
        for (int i = 1 + rnd.nextInt(3); i > 0; i--) {
            sb.append(d.charAt(rnd.nextInt(d.length())));
        }
        return sb.toString();
    }

    /** The definition, as Repetition computed it before. */
    private static double definition(String text, int n) {
        String[] w = text.toLowerCase(Locale.ROOT).trim().split("[\\s\\p{Punct}]+");
        int total = w.length - n + 1;
        if (w.length == 0 || w[0].isEmpty() && w.length == 1 || total < 2) {
            return 0;
        }
        Set<String> seen = new HashSet<>();
        int repeated = 0;
        for (int i = 0; i < total; i++) {
            StringBuilder sb = new StringBuilder();
            for (int j = i; j < i + n; j++) {
                sb.append(w[j]).append(' ');
            }
            if (!seen.add(sb.toString())) {
                repeated++;
            }
        }
        return (double) repeated / total;
    }

    static String escape(String s) {
        StringBuilder sb = new StringBuilder();
        for (char c : s.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7f ? String.valueOf(c) : String.format("\\u%04x", (int) c));
        }
        return sb.length() > 300 ? sb.substring(0, 300) + "..." : sb.toString();
    }
}
