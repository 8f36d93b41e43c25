package dev.vitals.server.state;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class IntervalSlotsTest {
    @Test
    void aSlotHoldsOneIntervalUntilOneCapacityLaterClaimsIt() {
        IntervalSlots s = new IntervalSlots(4);
        assertThat(s.capacity()).isEqualTo(4);
        assertThat(s.find(0)).isEqualTo(-1);

        assertThat(s.claim(6)).isEqualTo(2);
        assertThat(s.find(6)).isEqualTo(2);
        assertThat(s.find(2)).as("same slot, older interval").isEqualTo(-1);

        assertThat(s.claim(10)).isEqualTo(2);
        assertThat(s.find(6)).isEqualTo(-1);
        assertThat(s.find(10)).isEqualTo(2);
    }

    @Test
    void intervalsBeforeTheEpochMapToSlotsToo() {
        IntervalSlots s = new IntervalSlots(3);
        assertThat(s.claim(-1)).isEqualTo(2);
        assertThat(s.find(-1)).isEqualTo(2);
        assertThat(s.find(2)).isEqualTo(-1);
    }
}
