package dev.vitals.server.state;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The dashboard history's ring: a typed snapshot of a range, one model's series or all, gaps as null, written as JSON. */
class HistoryRingTest {

    private static Map<String, Double> point(Object... kv) {
        Map<String, Double> m = new LinkedHashMap<>();
        for (int i = 0; i < kv.length; i += 2) {
            m.put((String) kv[i], (Double) kv[i + 1]);
        }
        return m;
    }

    @Test
    void aSnapshotHoldsTheRangeWithGapsAndOneModelsSeriesWithoutItsPrefix() {
        HistoryRing ring = new HistoryRing(3, 2);
        ring.record(1_000, point("a acc", 0.5, "b acc", 0.1));
        ring.record(2_000, point("a acc", Double.NaN, "c acc", 9.0)); // NaN: a gap; a third series is past the cap
        ring.record(3_000, point("a acc", 0.7));
        ring.record(4_000, point("b acc", 0.2)); // the ring holds three points: the first is overwritten

        HistoryRing.Snapshot all = ring.snapshot("*", 0);
        assertThat(all.timestamps()).containsExactly(2_000L, 3_000L, 4_000L);
        assertThat(all.series().get("a acc")).containsExactly(null, 0.7, null);
        assertThat(all.series().get("b acc")).containsExactly(null, null, 0.2);
        assertThat(all.series()).doesNotContainKey("c acc");
        assertThatThrownBy(() -> all.series().clear()).isInstanceOf(UnsupportedOperationException.class);

        HistoryRing.Snapshot a = ring.snapshot("a", 3_000);
        assertThat(a.timestamps()).containsExactly(3_000L, 4_000L);
        assertThat(a.series()).containsOnlyKeys("acc");
        assertThat(ring.snapshot("a", 3_000).json().encode()).isEqualTo("{\"timestamps\":[3000,4000],\"series\":{\"acc\":[0.7,null]}}");
        // a series without a value in the range is left out
        assertThat(ring.snapshot("b", 2_500).series()).containsOnlyKeys("acc");
        assertThat(ring.snapshot("a", 3_500).json().encode()).isEqualTo("{\"timestamps\":[4000],\"series\":{}}");
    }
}
