package dev.vitals.server;

import io.vertx.core.Vertx;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;

/**
 * What the gateway tests share: a Vert.x for the gateway and one for the fake upstream (warmed once
 * per class), a fresh {@link FakeOpenAiUpstream} per test, and the test's gateway closed after it.
 */
abstract class GatewayTestBase {
    static Vertx gatewayVertx;
    static Vertx upstreamVertx;

    FakeOpenAiUpstream upstream;
    /** Started by each test (its backends differ); closed here. */
    GatewayFixture gateway;

    @BeforeAll
    static void vertx() {
        gatewayVertx = Vertx.vertx();
        upstreamVertx = Vertx.vertx();
        GatewayFixture.warmUp(gatewayVertx, upstreamVertx);
    }

    @AfterAll
    static void closeVertx() {
        FakeOpenAiUpstream.await(gatewayVertx.close());
        FakeOpenAiUpstream.await(upstreamVertx.close());
    }

    @BeforeEach
    void startUpstream() {
        upstream = FakeOpenAiUpstream.start(upstreamVertx);
    }

    @AfterEach
    void stop() {
        if (gateway != null) {
            gateway.close();
        }
        upstream.close();
    }
}
