package dev.vitals.server;

import static dev.vitals.server.GatewayChatTest.MODEL;
import static dev.vitals.server.GatewayChatTest.PROMPT;
import static dev.vitals.server.GatewayChatTest.ceilQuarter;
import static dev.vitals.server.GatewayFixture.assertReconciled;
import static dev.vitals.server.GatewayFixture.chatBody;
import static dev.vitals.server.GatewayFixture.config;
import static dev.vitals.server.GatewayFixture.openAi;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.vitals.server.FakeOpenAiUpstream.Scenario;
import io.vertx.core.json.JsonObject;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A client that goes away: one failure with error type client_disconnect, tokens for what the
 * upstream produced, and the upstream request cancelled. The client is a raw socket so that the
 * moment it leaves is exact.
 */
class GatewayClientDisconnectTest extends GatewayTestBase {
    @BeforeEach
    void startGateway() {
        gateway = GatewayFixture.start(gatewayVertx, config(openAi("fake", upstream.baseUrl(), MODEL)));
    }

    /** Opens a connection and sends one HTTP/1.1 POST of {@code body} to /v1/chat/completions. */
    Socket post(JsonObject body) throws IOException {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), gateway.port());
        s.setSoTimeout(15_000);
        byte[] b = body.encode().getBytes(StandardCharsets.UTF_8);
        OutputStream out = s.getOutputStream();
        out.write(("POST /v1/chat/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                + "Content-Length: " + b.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.write(b);
        out.flush();
        return s;
    }

    /** Reads until {@code marker} has arrived; returns everything read. */
    static String readUntil(InputStream in, String marker) throws IOException {
        ByteArrayOutputStream seen = new ByteArrayOutputStream();
        byte[] buf = new byte[4096];
        while (!seen.toString(StandardCharsets.UTF_8).contains(marker)) {
            int n = in.read(buf);
            if (n < 0) {
                throw new AssertionError("connection ended before " + marker + " arrived; got: " + seen);
            }
            seen.write(buf, 0, n);
        }
        return seen.toString(StandardCharsets.UTF_8);
    }

    @Test
    void clientLeavingMidStreamIsOneClientDisconnectWithTheStreamedTokens() throws IOException {
        upstream.scenario = Scenario.STALL_MID_STREAM;
        upstream.cutAfterChunks = 2;
        List<String> pieces = FakeOpenAiUpstream.replyPieces(PROMPT);
        String secondPiece = new JsonObject().put("content", pieces.get(1)).encode();

        try (Socket s = post(chatBody(MODEL, PROMPT).put("stream", true))) {
            String got = readUntil(s.getInputStream(), secondPiece);
            assertThat(got).startsWith("HTTP/1.1 200").contains("text/event-stream").contains("x-vitals-overhead-ms");
        } // the client leaves with the stream open

        PromMetrics m = gateway.awaitMetrics("one failure",
                x -> x.valueOr(0, "llm_requests_total", "model_name", MODEL, "status", "failure") >= 1);
        assertThat(m.value("llm_requests_total", "model_name", MODEL, "status", "failure")).isEqualTo(1.0);
        assertThat(m.valueOr(0.0, "llm_requests_total", "model_name", MODEL, "status", "success")).isEqualTo(0.0);
        assertThat(m.value("llm_errors_total", "model_name", MODEL, "error_type", "client_disconnect")).isEqualTo(1.0);
        // two chunks, "You" and " said:": max(2, ceil(9 / 4)) = 3
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL))
                .isEqualTo(Math.max(2, ceilQuarter((pieces.get(0) + pieces.get(1)).length())));
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(ceilQuarter(PROMPT.length()));
        assertThat(m.value("llm_estimated_token_requests_total", "model_name", MODEL)).isEqualTo(1.0);
        assertThat(m.value("llm_time_to_first_token_seconds_count", "model_name", MODEL)).isEqualTo(1.0);
        assertReconciled(m, MODEL, 1);
        // the gateway stopped the upstream call
        GatewayFixture.await("the upstream stream cancelled", () -> upstream.abortedByPeer() == 1);
        // and nothing records it a second time later
        assertThat(gateway.metrics().sum("llm_requests_total")).isEqualTo(1.0);
    }

    @Test
    void clientLeavingBeforeTheStreamStartsIsOneClientDisconnectWithoutTokens() throws IOException {
        upstream.scenario = Scenario.HANG;

        try (Socket s = post(chatBody(MODEL, PROMPT).put("stream", true))) {
            GatewayFixture.await("the request reached the upstream", () -> upstream.requests().size() == 1);
        }

        PromMetrics m = gateway.awaitMetrics("one failure",
                x -> x.valueOr(0, "llm_requests_total", "model_name", MODEL, "status", "failure") >= 1);
        assertThat(m.value("llm_errors_total", "model_name", MODEL, "error_type", "client_disconnect")).isEqualTo(1.0);
        assertThat(m.valueOr(0.0, "llm_output_tokens_total", "model_name", MODEL)).isEqualTo(0.0);
        assertThat(m.valueOr(0.0, "llm_estimated_token_requests_total", "model_name", MODEL)).isEqualTo(0.0);
        assertReconciled(m, MODEL, 1);
    }

    @Test
    void clientLeavingANonStreamingCallIsRecordedWithTheTokensItWasCharged() throws IOException {
        upstream.scenario = Scenario.SLOW_FIRST_TOKEN;
        upstream.firstTokenDelayMs = 3_000; // ample time, even on a loaded machine, for the gateway to see the client leave
        upstream.cachedTokens = 0;

        try (Socket s = post(chatBody(MODEL, PROMPT))) {
            GatewayFixture.await("the request reached the upstream", () -> upstream.requests().size() == 1);
        }

        PromMetrics m = gateway.awaitMetrics("one call",
                x -> x.valueOr(0, "llm_requests_total", "model_name", MODEL, "status", "failure")
                        + x.valueOr(0, "llm_requests_total", "model_name", MODEL, "status", "success") >= 1);
        assertThat(m.value("llm_errors_total", "model_name", MODEL, "error_type", "client_disconnect")).isEqualTo(1.0);
        assertThat(m.valueOr(0.0, "llm_requests_total", "model_name", MODEL, "status", "success")).isEqualTo(0.0);
        assertThat(m.value("llm_input_tokens_total", "model_name", MODEL)).isEqualTo(GatewayChatTest.promptTokens());
        assertThat(m.value("llm_output_tokens_total", "model_name", MODEL)).isEqualTo(GatewayChatTest.replyPieces());
        assertThat(m.value("llm_cost_usd_total", "model_name", MODEL)).isCloseTo(
                GatewayChatTest.gpt4oMiniCost(GatewayChatTest.promptTokens(), 0, GatewayChatTest.replyPieces()), within(1e-15));
        assertReconciled(m, MODEL, 1);
    }
}
