package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** The harness's command line: what the script passes, and the mistakes it names. */
class GatewayLoadOptionsTest {

    @Test
    void readsWhatTheScriptPasses() {
        GatewayLoad.Options o = GatewayLoad.Options.parse(new String[] {"--requests", "100", "--warmup", "10",
                "--warmup-seconds", "1.5", "--rounds", "2", "--concurrency", "1,4,16", "--upstream-port", "18791",
                "--vitals", "http://127.0.0.1:18793", "--bare", "http://127.0.0.1:18792", "--portkey", "http://127.0.0.1:8787"});
        assertThat(o.requests).isEqualTo(100);
        assertThat(o.warmup).isEqualTo(10);
        assertThat(o.warmupSeconds).isEqualTo(1.5);
        assertThat(o.rounds).isEqualTo(2);
        assertThat(o.concurrency).containsExactly(1, 4, 16);
        assertThat(o.upstreamPort).isEqualTo(18791);
        assertThat(o.vitalsUrl).isEqualTo("http://127.0.0.1:18793");
        assertThat(o.bareUrl).isEqualTo("http://127.0.0.1:18792");
        assertThat(o.portkeyUrl).isEqualTo("http://127.0.0.1:8787");
    }

    @Test
    void namesAnUnknownArgumentAndAGatewayWithoutItsUpstream() {
        assertThatThrownBy(() -> GatewayLoad.Options.parse(new String[] {"--fast"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown argument --fast; use --requests N");
        assertThatThrownBy(() -> GatewayLoad.Options.parse(new String[] {"--vitals", "http://127.0.0.1:1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--vitals and --bare need --upstream-port: the port they forward to");
    }
}
