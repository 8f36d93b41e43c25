package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The fake upstream's streams: the same events, written at once or one write per event with a gap. */
class FastUpstreamTest {

    private record Read(String text, int reads, long millis) {
    }

    private static Read stream(Vertx vertx, int port, String model) {
        HttpClientAgent client = vertx.createHttpClient();
        try {
            Promise<Read> done = Promise.promise();
            AtomicInteger reads = new AtomicInteger();
            Buffer all = Buffer.buffer();
            long t0 = System.nanoTime();
            // sent from an event loop: a response handler set from the test thread could come after the first
            // event was delivered (seen once under load: the first event missing)
            vertx.getOrCreateContext().runOnContext(x -> client.request(new RequestOptions().setMethod(HttpMethod.POST)
                            .setHost("127.0.0.1").setPort(port).setURI("/v1/chat/completions"))
                    .compose(req -> req.send("{\"model\":\"" + model + "\",\"stream\":true,\"messages\":[]}"))
                    .onSuccess(resp -> resp.handler(b -> {
                        reads.incrementAndGet();
                        all.appendBuffer(b);
                    }).endHandler(v -> done.complete(new Read(all.toString(), reads.get(), (System.nanoTime() - t0) / 1_000_000))))
                    .onFailure(done::fail));
            return done.future().await();
        } finally {
            client.close().await();
        }
    }

    @Test
    void perEventStreamsWriteEachEventApartAndCarryTheSameEvents() throws Exception {
        Vertx vertx = Vertx.vertx();
        try (FastUpstream up = FastUpstream.start(0, 5, 20)) {
            Read whole = stream(vertx, up.port(), FastUpstream.MODEL);
            Read perEvent = stream(vertx, up.port(), FastUpstream.CHUNKED_MODEL);
            assertThat(perEvent.text()).isEqualTo(whole.text());
            assertThat(whole.text()).contains(" tok4\"").contains("\"usage\"").endsWith("data: [DONE]\n\n");
            // 8 events, 7 gaps of 20 ms: each event left on its own
            assertThat(perEvent.millis()).isGreaterThanOrEqualTo(7 * 20);
            assertThat(perEvent.reads()).isGreaterThanOrEqualTo(4);
        } finally {
            vertx.close().await();
        }
    }
}
