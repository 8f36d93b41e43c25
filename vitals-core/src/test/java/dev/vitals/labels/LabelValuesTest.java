package dev.vitals.labels;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LabelValuesTest {

    @Test
    void nullAndEmptyBecomeUnknown() {
        assertThat(LabelValues.sanitize(null)).isEqualTo("unknown");
        assertThat(LabelValues.sanitize("")).isEqualTo("unknown");
        assertThat(LabelValues.UNKNOWN).isEqualTo("unknown");
        assertThat(LabelValues.OVERFLOW).isEqualTo("__overflow__");
    }

    @Test
    void cleanStringsAreReturnedAsTheSameInstance() {
        String plain = new String("gpt-4o-mini");
        assertThat(LabelValues.sanitize(plain)).isSameAs(plain);
        String withPair = new String("model-\uD83D\uDE00-x"); // emoji: a valid surrogate pair
        assertThat(LabelValues.sanitize(withPair)).isSameAs(withPair);
        String exactlyMax = "m".repeat(LabelValues.MAX_LENGTH);
        assertThat(LabelValues.sanitize(exactlyMax)).isSameAs(exactlyMax);
        String spaces = " a b ";
        assertThat(LabelValues.sanitize(spaces)).isSameAs(spaces);
    }

    @Test
    void longValuesAreTruncatedTo128() {
        String s = "x".repeat(129);
        assertThat(LabelValues.MAX_LENGTH).isEqualTo(128);
        assertThat(LabelValues.sanitize(s)).isEqualTo("x".repeat(128));
        assertThat(LabelValues.sanitize("y".repeat(10_000))).hasSize(128);
    }

    @Test
    void controlCharactersAreReplaced() {
        assertThat(LabelValues.sanitize("a\u0000b\nc\td\u001fe\u007ff\u0085g"))
                .isEqualTo("a_b_c_d_e_f_g");
        assertThat(LabelValues.sanitize("\r\n")).isEqualTo("__");
    }

    @Test
    void loneSurrogatesAreReplaced() {
        assertThat(LabelValues.sanitize("a\uD800b")).isEqualTo("a_b");      // lone high
        assertThat(LabelValues.sanitize("a\uDC00b")).isEqualTo("a_b");      // lone low
        assertThat(LabelValues.sanitize("end\uD83D")).isEqualTo("end_");    // high at the end
        assertThat(LabelValues.sanitize("\uDE00\uD83D")).isEqualTo("__");   // reversed pair
    }

    @Test
    void validSurrogatePairsAreKeptNextToReplacements() {
        assertThat(LabelValues.sanitize("\u0001\uD83D\uDE00\uDC00"))
                .isEqualTo("_\uD83D\uDE00_");
    }

    @Test
    void truncationNeverLeavesHalfASurrogatePair() {
        String s = "a".repeat(127) + "\uD83D\uDE00";   // the pair straddles the cut at 128
        String out = LabelValues.sanitize(s);
        assertThat(out).hasSize(128).isEqualTo("a".repeat(127) + "_");
        assertThat(Character.isSurrogate(out.charAt(127))).isFalse();
    }

    @Test
    void truncationAndReplacementTogether() {
        String s = "\u0000".repeat(200);
        assertThat(LabelValues.sanitize(s)).isEqualTo("_".repeat(128));
    }

    @Test
    void sanitizingIsIdempotent() {
        String once = LabelValues.sanitize("a\uD800\u0000" + "z".repeat(300));
        assertThat(LabelValues.sanitize(once)).isSameAs(once);
    }
}
