package dev.vitals.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The read timeouts of one event loop's calls share one periodic sweep: a silent call fails after its
 * timeout and at most a tick later (here with generous slack for a loaded machine), data keeps it alive,
 * a stopped one never fires, an action may start another timeout, the sweep stops when idle and starts
 * again; off an event loop a timeout keeps its own Vert.x timer.
 */
class TimeoutSweepTest {
    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() throws Exception {
        vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }

    private <T> T onLoop(Context ctx, java.util.concurrent.Callable<T> c) throws Exception {
        CompletableFuture<T> f = new CompletableFuture<>();
        ctx.runOnContext(v -> {
            try {
                f.complete(c.call());
            } catch (Exception e) {
                f.completeExceptionally(e);
            }
        });
        return f.get(10, TimeUnit.SECONDS);
    }

    @Test
    void silenceFiresDataDelaysStopPrevents() throws Exception {
        Context ctx = vertx.getOrCreateContext();
        List<String> fired = new CopyOnWriteArrayList<>();
        long t0 = System.nanoTime();
        CompletableFuture<Long> silentAt = new CompletableFuture<>();
        ReadTimeout[] kept = new ReadTimeout[1];
        onLoop(ctx, () -> {
            new ReadTimeout(vertx, 200, () -> {
                fired.add("silent");
                silentAt.complete(System.nanoTime());
                // an action may start another call, and with it another timeout on the same sweep
                new ReadTimeout(vertx, 100, () -> fired.add("started by an action"));
            });
            new ReadTimeout(vertx, 200, () -> fired.add("stopped")).stop();
            kept[0] = new ReadTimeout(vertx, 200, () -> fired.add("kept alive"));
            return null;
        });
        long touchUntil = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(600);
        while (System.nanoTime() < touchUntil) {
            onLoop(ctx, () -> {
                kept[0].touch();
                return null;
            });
            Thread.sleep(20);
        }
        long elapsedMs = TimeUnit.NANOSECONDS.toMillis(silentAt.get(5, TimeUnit.SECONDS) - t0);
        assertThat(elapsedMs).as("fires after its timeout, about a tick late at most").isBetween(200L, 200 + TimeoutSweep.TICK_MS + 400);
        assertThat(fired).contains("silent", "started by an action").doesNotContain("stopped", "kept alive");
        Thread.sleep(400);
        assertThat(fired).as("silent once touching stopped").contains("kept alive").doesNotContain("stopped");
        assertThat(fired.stream().filter("silent"::equals)).as("fires once").hasSize(1);
    }

    @Test
    void theSweepStopsWhenIdleAndStartsAgain() throws Exception {
        Context ctx = vertx.getOrCreateContext();
        CompletableFuture<Void> first = new CompletableFuture<>();
        onLoop(ctx, () -> new ReadTimeout(vertx, 50, () -> first.complete(null)));
        first.get(5, TimeUnit.SECONDS);
        java.lang.reflect.Field timer = TimeoutSweep.class.getDeclaredField("timer");
        timer.setAccessible(true);
        long deadline = System.currentTimeMillis() + 5_000;
        long id;
        do {
            Thread.sleep(100);
            id = onLoop(ctx, () -> (Long) timer.get(TimeoutSweep.current(vertx)));
        } while (id >= 0 && System.currentTimeMillis() < deadline);
        assertThat(id).as("no periodic timer once idle").isEqualTo(-1L);
        CompletableFuture<Void> second = new CompletableFuture<>();
        onLoop(ctx, () -> new ReadTimeout(vertx, 50, () -> second.complete(null)));
        second.get(5, TimeUnit.SECONDS);
    }

    @Test
    void offAnEventLoopATimeoutKeepsItsOwnTimer() throws Exception {
        assertThat(TimeoutSweep.current(vertx)).isNull();
        CompletableFuture<Void> fired = new CompletableFuture<>();
        new ReadTimeout(vertx, 50, () -> fired.complete(null));
        fired.get(5, TimeUnit.SECONDS);
    }
}
