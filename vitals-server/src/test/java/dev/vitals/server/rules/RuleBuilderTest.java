package dev.vitals.server.rules;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RuleBuilderTest {
    @Test
    void anAlertWritesItsAnnotationsInOneOrderWhateverOrderTheyWereGiven() {
        Rule r = Rule.alert("A").runbook("rb").expr("up == 0").description("d").forDuration("5m").severity("page")
                .summary("s").build();
        assertThat(r.annotations()).containsExactly(
                java.util.Map.entry("summary", "s"), java.util.Map.entry("description", "d"), java.util.Map.entry("runbook", "rb"));
        assertThat(r.labels()).containsExactly(java.util.Map.entry("severity", "page"));
    }

    @Test
    void anAlertWithoutOneOfItsAnnotationsIsRefused() {
        assertThatThrownBy(() -> Rule.alert("A").expr("up == 0").forDuration("5m").severity("ticket").summary("s")
                .description("d").build())
                .isInstanceOf(IllegalStateException.class)
                .hasMessage("alert A needs expr, for, severity, summary, description and runbook");
        assertThatThrownBy(() -> Rule.alert("A").expr("up == 0").forDuration("5m").severity("ticket").summary(null)
                .description("d").runbook("rb").build())
                .isInstanceOf(IllegalStateException.class);
    }
}
