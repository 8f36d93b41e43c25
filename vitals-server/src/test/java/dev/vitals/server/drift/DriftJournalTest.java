package dev.vitals.server.drift;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.drift.FeatureDrift;
import dev.vitals.drift.FeatureType;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.JdbcStateStore;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The journal of uploaded feature batches on a real SQLite store: an entry in the format the code before the typed
 * batch wrote replays after an upgrade, a typed batch round-trips through the codec, and a replayed batch counts what
 * the live one counted.
 */
class DriftJournalTest {
    private static final String REPLICA = "local";
    @TempDir
    Path dir;
    private final AtomicLong clock = new AtomicLong(1_700_000_000_000L);
    private final VitalsConfig.Drift cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of()).drift;

    private DriftService durable(JdbcStateStore store, GroupCommitter writer) {
        DriftService drift = new DriftService(cfg, store, new PrometheusRegistry(), clock::get);
        drift.durable(writer, REPLICA);
        return drift;
    }

    /** The model's current window frozen as its reference and compared: the reference's counts are the window's. */
    private static Map<String, FeatureDrift> window(DriftService drift, String model) {
        drift.freeze(model);
        drift.evaluate();
        Map<String, FeatureDrift> out = new java.util.TreeMap<>();
        drift.report(model).drift().features().forEach(f -> out.put(f.feature(), f));
        return out;
    }

    @Test
    void anEntryJournaledBeforeTheTypedBatchReplays() {
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("vitals.db"));
             GroupCommitter writer = new GroupCommitter(store, 0, null)) {
            // what the old code journaled: the body as Vert.x re-encoded it, integers and booleans as sent
            String old = "{\"model\":\"m\",\"records\":[{\"x\":1,\"tier\":\"a\",\"flag\":true,\"n\":null},"
                    + "{\"x\":2.5,\"flag\":false,\"tier\":null},{\"x\":null}]}";
            writer.write(tx -> tx.journal(REPLICA, DriftJournal.KIND, old), seq -> { });
            DriftService drift = durable(store, writer);
            assertThat(drift.featureType("m", "x")).isEqualTo(FeatureType.NUMERIC);
            assertThat(drift.featureType("m", "tier")).isEqualTo(FeatureType.CATEGORICAL);
            assertThat(drift.featureType("m", "flag")).isEqualTo(FeatureType.CATEGORICAL);
            assertThat(drift.featureType("m", "n")).as("only nulls: nothing to type it by").isNull();
            Map<String, FeatureDrift> w = window(drift, "m");
            assertThat(w).containsOnlyKeys("flag", "tier", "x");
            assertThat(w.get("x").referenceCount()).isEqualTo(2);
            assertThat(w.get("x").referenceNulls()).isEqualTo(1);
            assertThat(w.get("tier").referenceCount()).isEqualTo(1);
            assertThat(w.get("tier").referenceNulls()).isEqualTo(1);
            assertThat(w.get("flag").referenceCount()).isEqualTo(2);
        }
    }

    @Test
    void aTypedBatchRoundTripsThroughTheCodec() {
        FeatureBatch b = DriftRequests.features(new JsonObject("{\"model\":\"m\",\"records\":[{\"x\":3,\"tier\":\"a\",\"ok\":true,"
                + "\"n\":null},{\"x\":-0.5,\"tier\":null}]}"), (m, k) -> null);
        String entry = DriftJournal.encode(b);
        assertThat(entry).isEqualTo("{\"model\":\"m\",\"records\":[{\"x\":3.0,\"tier\":\"a\",\"ok\":\"true\",\"n\":null},"
                + "{\"x\":-0.5,\"tier\":null}]}");
        assertThat(DriftJournal.decode(entry)).isEqualTo(b);
    }

    @Test
    void aReplayedBatchCountsWhatTheLiveOneCounted() {
        // a null counts as a null, live and replayed (a non-finite number such as 1e400 is refused: DriftRequestsTest)
        String body = "{\"model\":\"m\",\"records\":[{\"x\":null,\"y\":\"a\"},{\"x\":2,\"y\":null},{\"x\":4.25,\"y\":\"b\"}]}";
        FeatureBatch b = DriftRequests.features(new JsonObject(body), (m, k) -> null);
        assertThat(DriftJournal.encode(b)).startsWith("{\"model\":\"m\",\"records\":[{\"x\":null,");
        Map<String, FeatureDrift> live;
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("live.db"));
             GroupCommitter writer = new GroupCommitter(store, 0, null)) {
            live = window(durable(store, writer), "m", b);
        }
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("vitals.db"));
             GroupCommitter writer = new GroupCommitter(store, 0, null)) {
            durable(store, writer).storeFeatures(b); // journaled, then the process "dies" before a checkpoint
        }
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("vitals.db"));
             GroupCommitter writer = new GroupCommitter(store, 0, null)) {
            Map<String, FeatureDrift> replayed = window(durable(store, writer), "m");
            assertThat(replayed.get("x").referenceCount()).isEqualTo(2).isEqualTo(live.get("x").referenceCount());
            assertThat(replayed.get("x").referenceNulls()).isEqualTo(1).isEqualTo(live.get("x").referenceNulls());
            assertThat(replayed.get("y").referenceCount()).isEqualTo(live.get("y").referenceCount());
        }
    }

    private static Map<String, FeatureDrift> window(DriftService drift, String model, FeatureBatch b) {
        drift.storeFeatures(b);
        return window(drift, model);
    }
}
