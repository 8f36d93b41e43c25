package dev.vitals.server.quality;

import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.labels.MetricFamilies;
import dev.vitals.quality.QualityTracker;
import dev.vitals.quality.ScoreSummary;
import dev.vitals.server.config.ConfigLoader;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.store.GroupCommitter;
import dev.vitals.server.store.JdbcStateStore;
import dev.vitals.server.store.JournalEntry;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quality journal's format: entries written as the code before {@link QualityJournal} wrote them (built here by hand,
 * as that code built them) replay into a restarted service on a real SQLite store, and the codec writes them unchanged.
 */
class QualityJournalTest {
    @TempDir
    Path dir;

    /** An evaluation entry as QualityService built it before the codec: records, late, tasks, windows of a scratch tracker. */
    private static String oldEvaluationEntry() {
        QualityTracker scratch = QualityTracker.builder().windows(Duration.ofMinutes(5), Duration.ofDays(7)).build();
        scratch.model("price").addRegression(new double[] {1, 3}, new double[] {2, 3}, 2);
        JsonObject ws = new JsonObject();
        ws.put("5m", scratch.window("price", Duration.ofMinutes(5)).orElseThrow().toJson());
        ws.put("7d", scratch.window("price", Duration.ofDays(7)).orElseThrow().toJson());
        return new JsonObject().put("records", 3).put("late", 1).put("tasks", new JsonObject().put("price", "regression"))
                .put("windows", new JsonObject().put("price", ws)).encode();
    }

    private static final String OLD_FEEDBACK_ENTRY = "{\"model\":\"chat\",\"body\":{\"request_id\":\"r1\",\"feedback_id\":\"f1\","
            + "\"score\":{\"name\":\"helpful\",\"value\":4,\"source\":\"human\"},"
            + "\"scores\":[{\"name\":\"helpful\",\"value\":2,\"source\":\"human\"}]}}";

    private static QualityService service(JdbcStateStore store, GroupCommitter writer) {
        VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
        cfg.quality.windows = List.of("5m", "7d");
        PrometheusRegistry registry = new PrometheusRegistry();
        return new QualityService(cfg.quality, store, writer, registry, MetricFamilies.of(registry).policy(), null);
    }

    @Test
    void aJournalInTheFormatBeforeTheCodecReplaysAfterAnUpgrade() throws Exception {
        String evaluation = oldEvaluationEntry();
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("vitals.db"));
             GroupCommitter writer = new GroupCommitter(store, 0, null)) {
            writer.write(tx -> tx.journal("local", "evaluation", evaluation), null);
            writer.write(tx -> tx.journal("local", "feedback", OLD_FEEDBACK_ENTRY), null);

            QualityService restarted = service(store, writer);
            restarted.restore();
            QualityResults.Report price = restarted.report("price", "7d");
            assertThat(price.task()).isEqualTo("regression");
            assertThat(price.report().regression().count()).isEqualTo(2);
            QualityResults.Report chat = restarted.report("chat", "5m");
            assertThat(chat.task()).isEqualTo("llm");
            ScoreSummary helpful = chat.report().scores().scores().get(0);
            assertThat(helpful.name()).isEqualTo("helpful");
            assertThat(helpful.count()).isEqualTo(2);
            assertThat(helpful.mean()).isEqualTo(3.0);
        }
    }

    @Test
    void oneUnreadableEntryOfAnotherReplicaCostsThatEntryNotItsFleetReport() {
        try (JdbcStateStore store = JdbcStateStore.sqlite(dir.resolve("vitals.db"));
             GroupCommitter writer = new GroupCommitter(store, 0, null)) {
            VitalsConfig cfg = ConfigLoader.load(new ConfigLoader.Overrides(), Map.of());
            cfg.quality.windows = List.of("5m", "7d");
            PrometheusRegistry registry = new PrometheusRegistry();
            QualityService a = new QualityService(cfg.quality, store, writer, registry, MetricFamilies.of(registry).policy(), "a");
            PrometheusRegistry registryB = new PrometheusRegistry();
            QualityService b = new QualityService(cfg.quality, store, writer, registryB, MetricFamilies.of(registryB).policy(), "b");
            b.save(); // b's checkpoint: empty; what follows is only in its journal
            String batch = "{\"records\":[{\"model\":\"price\",\"predicted\":2,\"actual\":1},{\"model\":\"price\",\"predicted\":3,\"actual\":3}]}";
            b.evaluations(QualityRequests.evaluations(new JsonObject(batch)));
            writer.write(tx -> tx.journal("b", "evaluation", "{\"windows\":7}"), null);
            b.evaluations(QualityRequests.evaluations(new JsonObject(batch)));

            QualityResults.Report fleet = a.fleetReport("price", "7d");
            assertThat(fleet.report().regression().count()).isEqualTo(4);
            assertThat(fleet.replicas()).extracting(QualityResults.Source::replica).containsExactly("b");
        }
    }

    @Test
    void anEntryFromBeforeRecordsAndLateWereJournaledStillReplays() {
        // the first journaling version wrote only tasks and windows; replay reads the windows, the counts default to 0
        JsonObject first = new JsonObject(oldEvaluationEntry());
        first.remove("records");
        first.remove("late");
        QualityJournal.Entry e = QualityJournal.decode(new JournalEntry(1, "local", "evaluation", 0, first.encode()));
        assertThat(e).isInstanceOfSatisfying(QualityJournal.EvaluationEntry.class, ev -> {
            assertThat(ev.records()).isZero();
            assertThat(ev.late()).isZero();
            assertThat(ev.windows().get("price")).containsOnlyKeys("5m", "7d");
        });
    }

    @Test
    void theCodecWritesWhatItReadsInTheSameFormat() {
        String evaluation = oldEvaluationEntry();
        QualityJournal.Entry e = QualityJournal.decode(new JournalEntry(1, "local", "evaluation", 0, evaluation));
        assertThat(e).isInstanceOfSatisfying(QualityJournal.EvaluationEntry.class, ev -> {
            assertThat(ev.records()).isEqualTo(3);
            assertThat(ev.late()).isEqualTo(1);
            assertThat(ev.tasks()).containsExactly(Map.entry("price", "regression"));
            assertThat(ev.windows().get("price")).containsOnlyKeys("5m", "7d");
            assertThat(QualityJournal.evaluation(ev)).isEqualTo(evaluation);
        });
        QualityJournal.Entry f = QualityJournal.decode(new JournalEntry(2, "local", "feedback", 0, OLD_FEEDBACK_ENTRY));
        assertThat(f).isInstanceOfSatisfying(QualityJournal.FeedbackEntry.class, fe -> {
            assertThat(fe.model()).isEqualTo("chat");
            assertThat(fe.scores()).extracting(s -> s.name() + "=" + s.number()).containsExactly("helpful=4.0", "helpful=2.0");
        });
        String body = new JsonObject(OLD_FEEDBACK_ENTRY).getJsonObject("body").encode();
        assertThat(QualityJournal.feedback("chat", body)).isEqualTo(OLD_FEEDBACK_ENTRY);
    }
}
