package dev.vitals.quality.eval;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * {@link FirstChars} reads an expression's opening only where its text says so plainly, and its search answers
 * exactly as {@link java.util.regex.Matcher#find()} on the joined expression: on random texts of pieces that open
 * and nearly open the expressions, in every case, next to letters whose case folds specially (Kelvin sign, long s,
 * dotted and dotless i, final sigma), inside and at the edges of words, ASCII and not.
 */
class FirstCharsTest {
    private static final int FLAGS = Pattern.CASE_INSENSITIVE | Pattern.UNICODE_CASE;

    @Test
    void readsPlainOpeningsAndGivesUpOnTheRest() {
        for (String plain : List.of("kill", "kill (?:him|her)", "(?:all|those) \\w+ die", "(a|(?:b|c)d)+x", "\\-dash",
                "x+y", "a|b|c", "synthesi[sz]e", "caf\u00e9", "\u00e9t\u00e9", "a[]|]b|c", "#tag", "a b{2}")) {
            assertThat(FirstChars.of(List.of(plain), FirstCharsTest::bounded, true)).as(plain).isNotNull();
        }
        for (String unknown : List.of("", "a|", "|a", "\\w+ing", "\\bkill", "\\Qa|b\\E", "[ab]c", ".x", "^x", "x?y", "x*y",
                "x{0,2}y", "(?:a|b)?c", "(?i)kill", "kill(?=s)", "(?<n>kill)", "a|(?-i)B", "\\1x", "\ud83d\ude00x",
                "(a|)b", "(?:a|\\d)b", ")x", "{x", "kill\\c(|murder", "x\\c)|y", "x\\c\\\\|y", "x[\\c[]|y]]")) {
            assertThat(FirstChars.of(List.of("kill", unknown), FirstCharsTest::bounded, true)).as(unknown).isNull();
        }
    }

    @Test
    void findsExactlyWhatTheJoinedExpressionFinds() {
        List<List<String>> lexicons = List.of(
                SafetyLexicon.defaults().values().stream().flatMap(List::stream).toList(),
                List.of("kill (?:him|her)", "(?:all|those) \\w+ (?:should|must) die", "(sub|un)human", "\\-\\-force",
                        "x+y", "caf\u00e9 noir", "\u00e9t\u00e9", "i am", "sigma \u03c3", "k|s", "a[]|]b"),
                List.of("kill", "skill", "kills+", "killer|killing"),
                List.of("\u0443\u0431\u0438\u0442\u044c \u0435\u0433\u043e", "\u0431\u043e\u043c\u0431\u0430", "\u70b8\u5f39", "\u81ea\u6740",
                        "caf\u00e9"));
        String[] pieces = {"kill", "KILL", "Kill", "\u212aill", "\u212aILL", "him", "HER", "skill", "kills", "killss", "killer",
            "all", "ALL", "those", "people", "should", "must", "die", "subhuman", "\u017fubhuman", "SUBHUMAN", "unhuman",
            "--force", "-force", "xxy", "XY", "x", "y", "caf\u00e9", "CAF\u00c9", "noir", "\u00e9t\u00e9", "\u00c9T\u00c9",
            "i", "I", "\u0130", "\u0131", "am", "sigma", "\u03a3", "\u03c3", "\u03c2", "k", "s", "K", "S", "a]b", "a|b",
            "ab", "_", "9", "\u00e9", "\u0301", "\ud83d\ude00", "\ud800", " ", ".", "-", "\n", "\u0443\u0431\u0438\u0442\u044c",
            "\u0423\u0411\u0418\u0422\u042c", "\u0435\u0433\u043e", "\u0431\u043e\u043c\u0431\u0430", "\u0431\u043e\u043c\u0431\u0430\u043c\u0438", "\u70b8\u5f39",
            "\u5236\u9020\u70b8\u5f39", "\u81ea\u6740", "\u6211", "\u00e9caf\u00e9"};
        Random rnd = new Random(23);
        StringBuilder sb = new StringBuilder();
        for (List<String> lexicon : lexicons) {
            FirstChars index = FirstChars.of(lexicon, FirstCharsTest::bounded, true);
            assertThat(index).as("%s", lexicon).isNotNull();
            Pattern joined = bounded(String.join("|", lexicon.stream().map(w -> "(?:" + w + ")").toList()));
            int found = 0;
            for (int t = 0; t < 40_000; t++) {
                sb.setLength(0);
                for (int w = rnd.nextInt(10); w >= 0; w--) {
                    sb.append(pieces[rnd.nextInt(pieces.length)]).append(rnd.nextInt(3) == 0 ? "" : " ");
                }
                String text = sb.toString();
                boolean expected = joined.matcher(text).find();
                found += expected ? 1 : 0;
                assertThat(index.find(text)).as("%s in %s", lexicon, CodeEvaluatorsEquivalenceTest.escape(text)).isEqualTo(expected);
            }
            assertThat(found).as("%s", lexicon).isBetween(2_000, 38_000);
        }
    }

    @Test
    void aControlEscapeTakesTheNextCharacterWhateverItIs() {
        // \c( is 'h': read as a group, it hid the '|' and with it "murder" (found by a reviewer)
        SafetyLexicon lexicon = new SafetyLexicon(java.util.Map.of("violence", List.of("kill\\c(|murder")));
        assertThat(lexicon.match("how to murder")).isEqualTo("violence");
        assertThat(lexicon.match("killh")).isEqualTo("violence");
    }

    @Test
    void findsExactlyWhatTheJoinedExpressionFindsForGeneratedExpressions() {
        String[] parts = {"a", "b", "k", "s", "K", "\u00df", "\u00e9", "\u0436", "\\.", "\\-", "\\c(", "\\c)", "[ab]",
            "[]a]", "[^]a]", "[a[b]]", "[a&&[^b]]", "(?:a|b)", "(a|k)", "(?:)", "|", "?", "*", "+", "{2}", "{0,1}", "??",
            "*+", "\\w", "\\d", "\\s", "\\b", " ", "\\Qa|b\\E", ".", "^", "$", "\\x41", "\\u00e9", "\\R", "(?i)",
            "(?=a)", "\\p{L}", "(", ")", "\u212a", "_"};
        String[] pieces = {"a", "b", "k", "s", "K", "S", "\u00df", "SS", "\u00e9", "\u00c9", "\u0436", "\u0416", "x", " ",
            ".", "-", "\n", "_", "1", "\u0301", "\u212a", "\u017f", "ab", "ka", "k s", "a|b", "A", "h", "\u001c", "]"};
        Random rnd = new Random(5);
        StringBuilder sb = new StringBuilder();
        int indexed = 0;
        int compared = 0;
        for (int l = 0; l < 6_000; l++) {
            List<String> lexicon = new java.util.ArrayList<>();
            for (int w = rnd.nextInt(3); w >= 0; w--) {
                sb.setLength(0);
                for (int k = rnd.nextInt(5); k >= 0; k--) {
                    sb.append(parts[rnd.nextInt(parts.length)]);
                }
                lexicon.add(sb.toString());
            }
            Pattern joined;
            FirstChars index;
            try {
                joined = bounded(String.join("|", lexicon.stream().map(w -> "(?:" + w + ")").toList()));
                index = FirstChars.of(lexicon, FirstCharsTest::bounded, true);
            } catch (java.util.regex.PatternSyntaxException e) {
                continue; // not an expression
            }
            if (index == null) {
                continue;
            }
            indexed++;
            for (int t = 0; t < 60; t++) {
                sb.setLength(0);
                for (int k = rnd.nextInt(8); k >= 0; k--) {
                    sb.append(pieces[rnd.nextInt(pieces.length)]);
                }
                String text = sb.toString();
                boolean expected;
                try {
                    expected = joined.matcher(text).find();
                } catch (RuntimeException e) {
                    continue; // a JDK defect; not what is compared here
                }
                compared++;
                assertThat(index.find(text)).as("%s in %s", lexicon, CodeEvaluatorsEquivalenceTest.escape(text)).isEqualTo(expected);
            }
        }
        assertThat(indexed).isGreaterThan(300);
        assertThat(compared).isGreaterThan(20_000);
    }

    @Test
    void answersOrFailsAsFindWhenTheMatcherThrows() {
        // JDK 17's \b{g} throws at a position find() does not try (found by a reviewer's fuzzing)
        String phrase = "\u00df+\\b{g}??(\\b*+\\.*?\\a{2})";
        Pattern joined = bounded("(?:" + phrase + ")");
        FirstChars index = FirstChars.of(List.of(phrase), FirstCharsTest::bounded, true);
        assertThat(index).isNotNull();
        for (String text : List.of("\u00df.", "\u00df", "x \u00df. y", "\u00df\u00df..")) {
            assertThat(outcome(() -> index.find(text))).as(text).isEqualTo(outcome(() -> joined.matcher(text).find()));
        }
    }

    private static Object outcome(java.util.function.BooleanSupplier search) {
        try {
            return search.getAsBoolean();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }

    @Test
    void keepsNoTextAfterASearch() throws Exception {
        FirstChars index = FirstChars.of(List.of("kill", "knife"), FirstCharsTest::bounded, true);
        assertThat(index.find("they kill the knife")).isTrue();
        assertThat(index.find("nothing here")).isFalse();
        // a matcher holds its text until reset: what the thread keeps answers for an empty text only
        var scratch = FirstChars.class.getDeclaredField("scratch");
        scratch.setAccessible(true);
        Object s = ((ThreadLocal<?>) scratch.get(index)).get();
        var matchers = s.getClass().getDeclaredField("matchers");
        matchers.setAccessible(true);
        for (java.util.regex.Matcher m : (java.util.regex.Matcher[]) matchers.get(s)) {
            if (m != null) {
                assertThat(m.regionEnd()).isZero();
            }
        }
    }

    private static Pattern bounded(String alternatives) {
        return Pattern.compile("\\b(?:" + alternatives + ")\\b", FLAGS);
    }
}
