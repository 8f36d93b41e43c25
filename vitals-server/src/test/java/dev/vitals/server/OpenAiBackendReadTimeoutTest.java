package dev.vitals.server;

import static dev.vitals.server.GatewayChatTest.MODEL;
import static dev.vitals.server.GatewayChatTest.PROMPT;
import static dev.vitals.server.GatewayFixture.chatBody;
import static dev.vitals.server.GatewayFixture.openAi;
import static org.assertj.core.api.Assertions.assertThat;

import dev.vitals.server.FakeOpenAiUpstream.Scenario;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.gateway.BackendException;
import dev.vitals.server.gateway.ChatRequest;
import dev.vitals.server.gateway.ChatStream;
import dev.vitals.server.gateway.OpenAiBackend;
import dev.vitals.server.gateway.StreamEvent;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The upstream backend's read timeout on a stream, driven directly (the gateway pauses a stream when its
 * client reads slowly; a real slow client is too costly to reproduce reliably on loopback, whose socket
 * buffers hold megabytes): silence fails the stream with a timeout, time paused for the client does not.
 */
class OpenAiBackendReadTimeoutTest {
    static Vertx vertx;
    static Vertx upstreamVertx;

    FakeOpenAiUpstream upstream;
    OpenAiBackend backend;

    @BeforeAll
    static void vertx() {
        vertx = Vertx.vertx();
        upstreamVertx = Vertx.vertx();
        GatewayFixture.warmUp(vertx, upstreamVertx);
    }

    @AfterAll
    static void closeVertx() {
        FakeOpenAiUpstream.await(vertx.close());
        FakeOpenAiUpstream.await(upstreamVertx.close());
    }

    @BeforeEach
    void start() {
        upstream = FakeOpenAiUpstream.start(upstreamVertx);
        VitalsConfig.Backend cfg = openAi("fake", upstream.baseUrl(), MODEL);
        cfg.readTimeoutMs = 500;
        backend = new OpenAiBackend(vertx, cfg, GatewayFixture.ENV);
    }

    @AfterEach
    void stop() {
        FakeOpenAiUpstream.await(backend.close());
        upstream.close();
    }

    /** How a stream ended: "end" or the error's type label, with the events seen. */
    record Outcome(String how, List<StreamEvent> events) {
    }

    /** Opens and starts a stream on an event loop; pauses it for {@code pauseMs} after the first event when > 0. */
    Outcome run(long pauseMs) throws Exception {
        return run(pauseMs, false);
    }

    /** {@code keepsText}: the sink keeps the events' text, as the relay does when the evaluators capture the answer. */
    Outcome run(long pauseMs, boolean keepsText) throws Exception {
        ChatRequest r = new ChatRequest(MODEL, chatBody(MODEL, PROMPT).put("stream", true), null, true, false, PROMPT, 1);
        CompletableFuture<String> how = new CompletableFuture<>();
        List<StreamEvent> events = new CopyOnWriteArrayList<>();
        Context ctx = vertx.getOrCreateContext();
        ctx.runOnContext(v -> backend.stream(r).onComplete(ar -> {
            if (ar.failed()) {
                how.complete("open failed: " + BackendException.of(ar.cause()).type().label());
                return;
            }
            ChatStream s = ar.result();
            s.start(new ChatStream.StreamSink() {
                @Override
                public boolean keepsText() {
                    return keepsText;
                }

                @Override
                public void event(StreamEvent ev) {
                    events.add(ev);
                    if (events.size() == 1 && pauseMs > 0) {
                        s.pause();
                        vertx.setTimer(pauseMs, t -> s.resume());
                    }
                }

                @Override
                public void flush() {
                }

                @Override
                public void end() {
                    how.complete("end");
                }

                @Override
                public void error(Throwable err) {
                    how.complete(BackendException.of(err).type().label());
                }
            });
        }));
        return new Outcome(how.get(20, TimeUnit.SECONDS), events);
    }

    @Test
    void aStreamPausedForTheClientLongerThanTheReadTimeoutIsNotTimedOut() throws Exception {
        Outcome o = run(1_500); // three read timeouts

        assertThat(o.how()).isEqualTo("end");
        // role, pieces, finish and the usage chunk the backend asked for
        assertThat(o.events()).hasSize(FakeOpenAiUpstream.replyPieces(PROMPT).size() + 3);
        assertThat(o.events().get(o.events().size() - 1).usage()).isNotNull();
    }

    /** A chat stream reads its text for a sink that keeps it (the evaluators then need not parse the stream), only then. */
    @Test
    void aStreamReadsItsTextOnlyForASinkThatKeepsIt() throws Exception {
        Outcome kept = run(0, true);
        assertThat(kept.how()).isEqualTo("end");
        assertThat(kept.events()).allSatisfy(e -> assertThat(e.text()).isNotNull());
        assertThat(kept.events().stream().map(StreamEvent::text).collect(java.util.stream.Collectors.joining()))
                .isEqualTo(String.join("", FakeOpenAiUpstream.replyPieces(PROMPT)));

        Outcome notKept = run(0, false);
        assertThat(notKept.how()).isEqualTo("end");
        assertThat(notKept.events()).isNotEmpty().allSatisfy(e -> assertThat(e.text()).isNull());
    }

    @Test
    void aSilentStreamIsTimedOut() throws Exception {
        upstream.scenario = Scenario.STALL_MID_STREAM;
        upstream.cutAfterChunks = 1;

        Outcome o = run(0);

        assertThat(o.how()).isEqualTo("timeout");
        assertThat(o.events()).hasSize(2);
        GatewayFixture.await("the upstream request reset", () -> upstream.abortedByPeer() == 1);
    }

    @Test
    void aStreamThatEndsNormallyIsNotTimedOutAfterwards() throws Exception {
        Outcome o = run(0);
        assertThat(o.how()).isEqualTo("end");
        // the read timeout of the finished stream must not reset a connection the pool reuses: a second
        // stream on the same backend after more than a read timeout still works
        CompletableFuture<Void> later = new CompletableFuture<>();
        vertx.setTimer(800, t -> later.complete(null));
        later.get(10, TimeUnit.SECONDS);
        assertThat(run(0).how()).isEqualTo("end");
    }
}
