package dev.vitals.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdsTest {
    @Test
    void orderedIdsAre32HexDigitsThatSortByTheMillisecondTheyWereMadeIn() throws Exception {
        List<String> ids = new ArrayList<>();
        long before = System.currentTimeMillis();
        for (int i = 0; i < 50; i++) {
            ids.add(Ids.ordered());
            Thread.sleep(2);
        }
        long after = System.currentTimeMillis();
        assertThat(ids).allMatch(id -> id.matches("[0-9a-f]{32}")).isSorted();
        long first = Long.parseLong(ids.get(0).substring(0, 12), 16);
        long last = Long.parseLong(ids.get(ids.size() - 1).substring(0, 12), 16);
        assertThat(first).isBetween(before, after);
        assertThat(last).isBetween(first + 49 * 2, after);
    }

    @Test
    void idsOfTheSameMillisecondDifferInTheirRandomPart() {
        var seen = new HashSet<String>();
        for (int i = 0; i < 100_000; i++) {
            assertThat(seen.add(Ids.ordered())).isTrue();
            assertThat(seen.add(Ids.random())).isTrue();
        }
        assertThat(Ids.random()).matches("[0-9a-f]{32}");
    }
}
