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
                "(a|)b", "(?:a|\\d)b", ")x", "{x")) {
            assertThat(FirstChars.of(List.of("kill", unknown), FirstCharsTest::bounded, true)).as(unknown).isNull();
        }
    }

    @Test
    void findsExactlyWhatTheJoinedExpressionFinds() {
        List<List<String>> lexicons = List.of(
                SafetyLexicon.defaults().values().stream().flatMap(List::stream).toList(),
                List.of("kill (?:him|her)", "(?:all|those) \\w+ (?:should|must) die", "(sub|un)human", "\\-\\-force",
                        "x+y", "caf\u00e9 noir", "\u00e9t\u00e9", "i am", "sigma \u03c3", "k|s", "a[]|]b"),
                List.of("kill", "skill", "kills+", "killer|killing"));
        String[] pieces = {"kill", "KILL", "Kill", "\u212aill", "\u212aILL", "him", "HER", "skill", "kills", "killss", "killer",
            "all", "ALL", "those", "people", "should", "must", "die", "subhuman", "\u017fubhuman", "SUBHUMAN", "unhuman",
            "--force", "-force", "xxy", "XY", "x", "y", "caf\u00e9", "CAF\u00c9", "noir", "\u00e9t\u00e9", "\u00c9T\u00c9",
            "i", "I", "\u0130", "\u0131", "am", "sigma", "\u03a3", "\u03c3", "\u03c2", "k", "s", "K", "S", "a]b", "a|b",
            "ab", "_", "9", "\u00e9", "\u0301", "\ud83d\ude00", "\ud800", " ", ".", "-", "\n"};
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
