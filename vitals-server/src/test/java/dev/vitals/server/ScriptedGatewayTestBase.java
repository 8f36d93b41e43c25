package dev.vitals.server;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;

/** A gateway test against a fresh {@link ScriptedUpstream} per test: the upstream answers what the test scripts. */
abstract class ScriptedGatewayTestBase extends GatewayTestBase {
    ScriptedUpstream scripted;

    @BeforeEach
    void startScripted() {
        scripted = ScriptedUpstream.start(upstreamVertx);
    }

    @AfterEach
    void stopScripted() {
        scripted.close();
    }
}
