package dev.vitals.server.store;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.prometheus.metrics.model.snapshots.HistogramSnapshot;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The store's writer on a real SQLite file: batching, after-commit order, one bad write failing alone. */
class GroupCommitterTest {
    @TempDir
    Path dir;

    @Test
    void concurrentWritesAreCommittedInGroupsAndAppliedInSequenceOrder() throws Exception {
        PrometheusRegistry registry = new PrometheusRegistry();
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("s.db"));
             GroupCommitter w = new GroupCommitter(store, 0, registry)) {
            List<Long> applied = Collections.synchronizedList(new ArrayList<>());
            List<CompletableFuture<Long>> fs = new ArrayList<>();
            for (int i = 0; i < 2_000; i++) {
                String p = "{\"i\":" + i + "}";
                fs.add(w.submit(tx -> tx.journal("r", "feedback", p), applied::add));
            }
            for (CompletableFuture<Long> f : fs) {
                assertThat(f.get()).isPositive(); // completes only after its commit and its after-commit step
            }
            assertThat(applied).hasSize(2_000).isSorted();
            assertThat(store.journal("r", List.of("feedback"), 0, 5_000)).hasSize(2_000);
            HistogramSnapshot.HistogramDataPointSnapshot writes = ((HistogramSnapshot) registry.scrape()
                    .stream().filter(m -> m.getMetadata().getName().equals("vitals_store_commit_writes")).findFirst().orElseThrow())
                    .getDataPoints().get(0);
            assertThat(writes.getSum()).isEqualTo(2_000);
            assertThat(writes.getCount()).as("group commits for 2,000 writes queued at once").isLessThan(200);
        }
    }

    @Test
    void aFailingWriteFailsAloneAndTheOthersOfItsBatchAreStored() throws Exception {
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("s.db"));
             GroupCommitter w = new GroupCommitter(store, 1000, null)) {
            List<CompletableFuture<Object>> fs = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                int n = i;
                fs.add(w.submit(tx -> {
                    if (n == 25) {
                        throw new IllegalStateException("bad write " + n);
                    }
                    return tx.journal("r", "evaluation", "{}");
                }, null));
            }
            int ok = 0;
            for (int i = 0; i < 50; i++) {
                if (i == 25) {
                    int k = i;
                    assertThatThrownBy(() -> fs.get(k).join()).hasMessageContaining("bad write 25");
                } else {
                    fs.get(i).join();
                    ok++;
                }
            }
            assertThat(store.journal("r", List.of("evaluation"), 0, 100)).hasSize(ok);
            assertThatThrownBy(() -> w.write(tx -> {
                throw new IllegalArgumentException("refused");
            }, null)).isInstanceOf(IllegalArgumentException.class).hasMessage("refused");
        }
    }

    @Test
    void closeCommitsWhatIsQueuedAndLaterWritesFail() throws Exception {
        JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("s.db"));
        GroupCommitter w = new GroupCommitter(store, 60_000, null);
        List<CompletableFuture<Long>> fs = new ArrayList<>();
        for (int i = 0; i < 100; i++) {
            fs.add(w.submit(tx -> tx.journal("r", "feedback", "{}"), null));
        }
        w.close();
        fs.forEach(CompletableFuture::join);
        assertThatThrownBy(() -> w.submit(tx -> 1, null).join()).hasMessageContaining("closed");
        assertThat(store.journal("r", List.of("feedback"), 0, 1_000)).hasSize(100);
        store.close();
    }
}
