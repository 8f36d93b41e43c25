package dev.vitals.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The evaluator thread runs its queue a few at a time: one evaluation that fails must not take the others with it. */
class EvaluationBatchTest {
    @Test
    void everyEvaluationOfABatchRunsWhateverTheOnesBeforeItThrew() {
        List<Integer> ran = new ArrayList<>();
        int failed = EvaluationService.runEach(List.of(
                () -> ran.add(1),
                () -> {
                    throw new StackOverflowError(); // an evaluator's regex on a pathological answer
                },
                () -> ran.add(3),
                () -> {
                    throw new IllegalStateException("x");
                },
                () -> ran.add(5)));
        assertThat(ran).containsExactly(1, 3, 5);
        assertThat(failed).isEqualTo(2);
    }
}
