package dev.vitals.quality;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class QualitySpecTest {

    @Test
    void kindsOfTask() {
        QualitySpec open = QualitySpec.defaults();
        assertThat(open.binary()).isFalse();
        assertThat(open.closed()).isFalse();
        assertThat(open.labels()).isEmpty();
        assertThat(open.maxLabels()).isEqualTo(1000);
        assertThat(open.aucBins()).isEqualTo(1000);
        assertThat(open.maxScoreSeries()).isEqualTo(200);
        assertThat(open.maxCategories()).isEqualTo(100);

        QualitySpec binary = QualitySpec.builder().binary("legit", "fraud").build();
        assertThat(binary.binary()).isTrue();
        assertThat(binary.positiveLabel()).isEqualTo("fraud");
        assertThat(binary.negativeLabel()).isEqualTo("legit");
        assertThat(binary.labels()).containsExactly("fraud", "legit");

        // code point order: U+1F600 after U+FF21, although its UTF-16 form sorts before
        QualitySpec closed = QualitySpec.builder().labels("\uD83D\uDE00", "\uFF21", "b", "B").build();
        assertThat(closed.labels()).containsExactly("B", "b", "\uFF21", "\uD83D\uDE00");
        assertThat(closed).isEqualTo(QualitySpec.builder().labels("b", "B", "\uFF21", "\uD83D\uDE00").build());
        assertThat(closed.toString()).startsWith("QualitySpec[labels[B, b,");
    }

    @Test
    void builderChecks() {
        assertThatThrownBy(() -> QualitySpec.builder().binary("a", "a"))
                .hasMessage("binary labels must be two different non-empty strings, got \"a\" and \"a\"");
        assertThatThrownBy(() -> QualitySpec.builder().binary(null, "a"))
                .hasMessage("binary labels must be two different non-empty strings, got null and \"a\"");
        assertThatThrownBy(() -> QualitySpec.builder().labels("a")).hasMessage("labels must name at least 2 classes, got 1");
        assertThatThrownBy(() -> QualitySpec.builder().labels("a", "a"))
                .hasMessage("labels must be distinct non-empty strings, got [a, a]");
        assertThatThrownBy(() -> QualitySpec.builder().binary("a", "b").labels("c", "d").build())
                .hasMessage("a task is either binary(...) or labels(...), not both");
        assertThatThrownBy(() -> QualitySpec.builder().labels("a", "b", "c").maxLabels(2).build())
                .hasMessage("labels names 3 classes, more than maxLabels 2");
        assertThatThrownBy(() -> QualitySpec.builder().maxLabels(1)).hasMessage("maxLabels must be in [2, 100000], got 1");
        assertThatThrownBy(() -> QualitySpec.builder().aucBins(9)).hasMessage("aucBins must be in [10, 100000], got 9");
        assertThatThrownBy(() -> QualitySpec.builder().maxScoreSeries(0))
                .hasMessage("maxScoreSeries must be in [1, 10000], got 0");
        assertThatThrownBy(() -> QualitySpec.builder().maxCategories(10_001))
                .hasMessage("maxCategories must be in [1, 10000], got 10001");
    }

    @Test
    void labelOrderIsByCodePoint() {
        assertThat(Labels.compareCodePoints("\uD83D\uDE00", "\uFF21")).isPositive();
        assertThat("\uD83D\uDE00".compareTo("\uFF21")).isNegative(); // why String.compareTo is not used
        assertThat(Labels.compareCodePoints("ab", "a")).isPositive();
        assertThat(Labels.compareCodePoints("a", "a")).isZero();
    }
}
