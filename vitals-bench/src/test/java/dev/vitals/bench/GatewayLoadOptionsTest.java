package dev.vitals.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The harness's command line: what the script passes, and the mistakes it names. */
class GatewayLoadOptionsTest {

    @Test
    void readsWhatTheScriptPasses() {
        GatewayLoad.Options o = GatewayLoad.Options.parse(new String[] {"--requests", "100", "--warmup", "10",
                "--warmup-seconds", "1.5", "--rounds", "2", "--concurrency", "1,4,16", "--upstream-port", "18791",
                "--vitals", "http://127.0.0.1:18793", "--bare", "http://127.0.0.1:18792", "--portkey", "http://127.0.0.1:8787",
                "--chunks", "7", "--chunk-gap-ms", "2", "--pid", "vitals=123", "--pid", "bare=456",
                "--gc-log", "vitals=/tmp/v gc.log", "--clk-tck", "250", "--peer-requests", "50"});
        assertThat(o.requests).isEqualTo(100);
        assertThat(o.warmup).isEqualTo(10);
        assertThat(o.warmupSeconds).isEqualTo(1.5);
        assertThat(o.rounds).isEqualTo(2);
        assertThat(o.concurrency).containsExactly(1, 4, 16);
        assertThat(o.upstreamPort).isEqualTo(18791);
        assertThat(o.vitalsUrl).isEqualTo("http://127.0.0.1:18793");
        assertThat(o.bareUrl).isEqualTo("http://127.0.0.1:18792");
        assertThat(o.portkeyUrl).isEqualTo("http://127.0.0.1:8787");
        assertThat(o.chunks).isEqualTo(7);
        assertThat(o.chunkGapMillis).isEqualTo(2);
        assertThat(o.pids).containsEntry("vitals", 123L).containsEntry("bare", 456L);
        assertThat(o.gcLogs).containsEntry("vitals", Path.of("/tmp/v gc.log"));
        assertThat(o.clockTicks).isEqualTo(250);
        assertThat(o.peerRequests).isEqualTo(50);
    }

    @Test
    void defaultsToThreeRoundsOfEveryKind() {
        assertThat(GatewayLoad.Options.parse(new String[0]).rounds).isEqualTo(3);
        assertThat(GatewayLoad.Options.parse(new String[0]).modes).containsExactly(GatewayLoad.Mode.values());
    }

    @Test
    void kindsNameTheCellsToRun() {
        assertThat(GatewayLoad.Options.parse(new String[] {"--kinds", "stream-per-event,non-stream"}).modes)
                .containsExactly(GatewayLoad.Mode.STREAM_PER_EVENT, GatewayLoad.Mode.NON_STREAM);
        assertThat(GatewayLoad.Options.parse(new String[] {"--kinds", "stream-one-write"}).modes)
                .containsExactly(GatewayLoad.Mode.STREAM_ONE_WRITE);
        assertThatThrownBy(() -> GatewayLoad.Options.parse(new String[] {"--kinds", "streams"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--kinds: unknown kind streams (non-stream, stream-one-write, stream-per-event)");
        assertThatThrownBy(() -> GatewayLoad.Options.parse(new String[] {"--kinds", "non-stream,non-stream"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessage("--kinds names a kind twice: non-stream,non-stream");
    }

    @Test
    void namesAnUnknownArgumentAndAGatewayWithoutItsUpstream() {
        assertThatThrownBy(() -> GatewayLoad.Options.parse(new String[] {"--fast"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("unknown argument --fast; use --requests N");
        assertThatThrownBy(() -> GatewayLoad.Options.parse(new String[] {"--vitals", "http://127.0.0.1:1"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--vitals and --bare need --upstream-port: the port they forward to");
        assertThatThrownBy(() -> GatewayLoad.Options.parse(new String[] {"--pid", "1234"}))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("--pid takes NAME=VALUE, e.g. vitals=1234; got 1234");
        assertThatThrownBy(() -> GatewayLoad.Options.parse(new String[] {"--rounds", "0"}))
                .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("--rounds, --requests");
    }
}
