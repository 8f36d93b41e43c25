package dev.vitals.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.store.CallRow;
import dev.vitals.server.store.Dialect;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.JdbcStateStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The gateway's call rows: findable from the moment they are queued, written in parts of one write, every row once. */
class CallRowsTest {
    @TempDir
    Path dir;

    @Test
    void aFlushWritesEveryRowInOneWriteOfSeveralPartsAndKeepsThemFindable() {
        PrometheusRegistry registry = new PrometheusRegistry();
        int n = 3 * Dialect.SQLITE.rowsPerPart() + 5; // not a multiple: the last part is short
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("vitals.db"));
             GroupCommitter writer = new GroupCommitter(store, 0, registry)) {
            CallRows rows = new CallRows(10_000, registry);
            for (int i = 0; i < n; i++) {
                assertThat(rows.offer(new CallRow("req_" + i, "m", 1_000L + i, null, Double.NaN))).isTrue();
            }
            assertThat(rows.find("req_7", store)).as("queued, not yet written").isNotNull();
            assertThat(store.findCall("req_7")).isNull();

            rows.flush(writer);

            for (int i = 0; i < n; i++) {
                CallRow stored = store.findCall("req_" + i);
                assertThat(stored).as("row %d", i).isNotNull();
                assertThat(stored.timeMillis()).isEqualTo(1_000L + i);
            }
            HistogramSnapshot.HistogramDataPointSnapshot writes = ((HistogramSnapshot) registry.scrape(
                    "vitals_store_commit_writes"::equals).get(0)).getDataPoints().get(0);
            assertThat(writes.getSum()).as("writes committed: one transaction, as before the parts").isEqualTo(1.0);
            rows.flush(writer); // nothing queued: nothing written
            assertThat(((HistogramSnapshot) registry.scrape("vitals_store_commit_writes"::equals).get(0))
                    .getDataPoints().get(0).getSum()).isEqualTo(1.0);
        }
    }
}
