package dev.vitals.server;

import static dev.vitals.server.GatewayFixture.config;
import static dev.vitals.server.GatewayFixture.openAi;
import static dev.vitals.server.GatewayFixture.simulated;
import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import dev.vitals.server.config.VitalsConfig;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.common.v1.AnyValue;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.vertx.core.json.JsonObject;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.zip.GZIPInputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Traces and the request log against real servers: an OTLP/HTTP receiver on loopback (a JDK HTTP server decoding
 * the protobuf export requests with the official definitions) collects the spans of non-streaming, streaming,
 * failed and upstream calls; each follows the GenAI semantic conventions, is the child of the caller's
 * {@code traceparent}, forwards its context to the upstream, and carries the trace id of the metrics' exemplar.
 * The request log has the call's line, with no text.
 */
@Timeout(90)
class TracingTest extends GatewayTestBase {
    static final String SIM = "mock-llm-v1";
    static final String UP = "gpt-4o-mini";
    static final String PROMPT = "secret prompt text about otters";

    @TempDir
    Path dir;
    VitalsServer server;
    final List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();
    HttpServer receiver;

    @AfterEach
    void stopAll() {
        if (server != null) {
            FakeOpenAiUpstream.await(server.close());
        }
        if (receiver != null) {
            receiver.stop(0);
        }
    }

    private void startReceiver() throws Exception {
        receiver = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        receiver.createContext("/v1/traces", ex -> {
            try (ex) {
                InputStream in = ex.getRequestBody();
                if ("gzip".equalsIgnoreCase(ex.getRequestHeaders().getFirst("content-encoding"))) {
                    in = new GZIPInputStream(in);
                }
                received.add(ExportTraceServiceRequest.parseFrom(in));
                byte[] ok = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
                ex.getResponseHeaders().add("content-type", "application/x-protobuf");
                ex.sendResponseHeaders(200, ok.length == 0 ? -1 : ok.length);
                if (ok.length > 0) {
                    ex.getResponseBody().write(ok);
                }
            }
        });
        receiver.start();
    }

    private VitalsServer start(Map<String, String> extraEnv) throws Exception {
        return start(extraEnv, true);
    }

    private VitalsServer start(Map<String, String> extraEnv, boolean tracing, VitalsConfig.Backend... more) throws Exception {
        startReceiver();
        List<VitalsConfig.Backend> backends = new java.util.ArrayList<>(List.of(simulated("simulated", SIM), openAi("fake", upstream.baseUrl(), UP)));
        backends.addAll(List.of(more));
        VitalsConfig cfg = config(backends.toArray(new VitalsConfig.Backend[0]));
        cfg.tracing.enabled = tracing;
        cfg.tracing.endpoint = "http://127.0.0.1:" + receiver.getAddress().getPort();
        cfg.tracing.scheduleDelayMillis = 100;
        cfg.requestLog.path = dir.resolve("requests.log").toString();
        cfg.requestLog.maxFiles = 1;
        cfg.store.path = dir.resolve("vitals.db").toString();
        Map<String, String> env = new HashMap<>(GatewayFixture.ENV);
        env.putAll(extraEnv);
        dev.vitals.server.config.ConfigLoader.validate(cfg);
        server = FakeOpenAiUpstream.await(VitalsServer.start(gatewayVertx, cfg, env));
        return server;
    }

    private HttpResponse<String> post(String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + path))
                .timeout(Duration.ofSeconds(20)).header("content-type", "application/json");
        for (int i = 0; i < headers.length; i += 2) {
            b.header(headers[i], headers[i + 1]);
        }
        return GatewayFixture.HTTP.send(b.POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
    }

    private static String chat(String model, boolean stream) {
        return GatewayFixture.chatBody(model, PROMPT).put("stream", stream).encode();
    }

    private List<Span> spans() {
        return received.stream().flatMap(r -> r.getResourceSpansList().stream()).flatMap(rs -> rs.getScopeSpansList().stream())
                .flatMap(ss -> ss.getSpansList().stream()).toList();
    }

    private Span spanOf(String traceId) {
        GatewayFixture.await("the span of trace " + traceId, () -> {
            server.telemetry().tracing().flush();
            return spans().stream().anyMatch(s -> hex(s.getTraceId().toByteArray()).equals(traceId));
        });
        return spans().stream().filter(s -> hex(s.getTraceId().toByteArray()).equals(traceId)).findFirst().orElseThrow();
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static Map<String, AnyValue> attrs(Span s) {
        return s.getAttributesList().stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
    }

    /** The trace id of the call with this request id, from its request log line. */
    private String traceIdInLog(String requestId) {
        return logLine(requestId).getString("trace_id");
    }

    /** The request log line of the call with this request id. */
    private JsonObject logLine(String requestId) {
        Path log = dir.resolve("requests.log");
        String[] found = new String[1];
        GatewayFixture.await("the request log line of " + requestId, () -> {
            for (String line : GatewayFixture.completeLines(log)) {
                JsonObject j = new JsonObject(line);
                if (requestId.equals(j.getString("request_id"))) {
                    found[0] = line;
                    return true;
                }
            }
            return false;
        });
        return new JsonObject(found[0]);
    }

    /** The exemplar's trace id of the call with this request id, from the OpenMetrics exposition. */
    private String exemplarTraceId(String requestId) throws Exception {
        String om = GatewayFixture.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                .header("accept", "application/openmetrics-text; version=1.0.0").build(), HttpResponse.BodyHandlers.ofString()).body();
        Matcher m = Pattern.compile("request_id=\"" + Pattern.quote(requestId) + "\",trace_id=\"([0-9a-f]{32})\"").matcher(om);
        return m.find() ? m.group(1) : null;
    }

    @Test
    void spansFollowTheSemanticConventionsAndLinkCallerUpstreamAndExemplar() throws Exception {
        start(Map.of("OTEL_SERVICE_NAME", "vitals-under-test"));
        String tid = "4bf92f3577b34da6a3ce929d0e0e4736";
        String parent = "00f067aa0ba902b7";
        HttpResponse<String> r = post("/v1/chat/completions", chat(SIM, false), "traceparent", "00-" + tid + "-" + parent + "-01",
                "x-request-id", "req-trace-1");
        assertThat(r.statusCode()).isEqualTo(200);

        Span span = spanOf(tid);
        assertThat(hex(span.getParentSpanId().toByteArray())).isEqualTo(parent);
        assertThat(span.getKind()).isEqualTo(Span.SpanKind.SPAN_KIND_CLIENT);
        assertThat(span.getName()).isEqualTo("chat " + SIM);
        Map<String, AnyValue> a = attrs(span);
        assertThat(a.get("gen_ai.operation.name").getStringValue()).isEqualTo("chat");
        assertThat(a.get("gen_ai.provider.name").getStringValue()).isEqualTo("vitals");
        assertThat(a.get("gen_ai.request.model").getStringValue()).isEqualTo(SIM);
        assertThat(a.get("gen_ai.usage.input_tokens").getIntValue()).isEqualTo(5);
        assertThat(a.get("gen_ai.usage.output_tokens").getIntValue()).isBetween(20L, 150L);
        assertThat(a.get("gen_ai.response.finish_reasons").getArrayValue().getValues(0).getStringValue()).isEqualTo("stop");
        assertThat(a.get("vitals.request_id").getStringValue()).isEqualTo("req-trace-1");
        assertThat(a).doesNotContainKey("error.type");
        assertThat(span.getEndTimeUnixNano() - span.getStartTimeUnixNano()).isPositive();
        assertThat(exemplarTraceId("req-trace-1")).isEqualTo(tid);
        ResourceSpans rs = received.stream().flatMap(x -> x.getResourceSpansList().stream()).findFirst().orElseThrow();
        assertThat(rs.getResource().getAttributesList().stream().filter(kv -> kv.getKey().equals("service.name"))
                .findFirst().orElseThrow().getValue().getStringValue()).as("OTEL_SERVICE_NAME wins").isEqualTo("vitals-under-test");

        // streaming, without a caller's context: a new trace, still the exemplar's
        HttpResponse<String> s = post("/v1/chat/completions", chat(SIM, true), "x-request-id", "req-trace-2");
        assertThat(s.body()).contains("data: [DONE]");
        String tid2 = traceIdInLog("req-trace-2"); // exemplars are sampled (one per model per 100 ms): the log has every call
        assertThat(tid2).isNotNull().isNotEqualTo(tid);
        Span streamed = spanOf(tid2);
        assertThat(streamed.getParentSpanId().isEmpty()).isTrue();
        assertThat(attrs(streamed).get("gen_ai.usage.output_tokens").getIntValue()).isPositive();

        // through the upstream: the context is forwarded, the span names the server
        post("/v1/chat/completions", chat(UP, false), "x-request-id", "req-trace-3");
        String tid3 = traceIdInLog("req-trace-3");
        Span up = spanOf(tid3);
        Map<String, AnyValue> ua = attrs(up);
        assertThat(ua.get("gen_ai.provider.name").getStringValue()).isEqualTo("openai");
        assertThat(ua.get("server.address").getStringValue()).isEqualTo("127.0.0.1");
        assertThat(ua.get("server.port").getIntValue()).isEqualTo(upstream.port());
        String forwarded = upstream.requests().get(upstream.requests().size() - 1).header("traceparent");
        // flags: sampled (01), with the SDK's random-trace-id bit (02) on the traces it starts
        assertThat(forwarded).matches("00-" + tid3 + "-" + hex(up.getSpanId().toByteArray()) + "-0[13]");

        // a failure: error.type and an error status
        String tid4 = "5bf92f3577b34da6a3ce929d0e0e4737";
        post("/v1/chat/completions", GatewayFixture.chatBody(SIM, "please raise an error").encode(), "x-request-id", "req-trace-4",
                "traceparent", "00-" + tid4 + "-" + parent + "-01");
        Span failed = spanOf(tid4);
        assertThat(attrs(failed).get("error.type").getStringValue()).isEqualTo("model_error");
        assertThat(failed.getStatus().getCode()).isEqualTo(Status.StatusCode.STATUS_CODE_ERROR);

        // embeddings: their own operation name
        post("/v1/embeddings", "{\"model\":\"" + SIM + "\",\"input\":\"x y\"}", "x-request-id", "req-trace-5");
        Span emb = spanOf(traceIdInLog("req-trace-5"));
        assertThat(emb.getName()).isEqualTo("embeddings " + SIM);

        // never the prompt or the answer
        for (Span any : spans()) {
            assertThat(any.toString()).doesNotContain("otters", "simulated response");
        }
    }

    static final String ASKED = "gpt-4o";
    static final String ANSWERED = "gpt-4o-2024-08-06";
    static final String EMBED_ASKED = "text-embedding-3-small";
    static final String EMBED_ANSWERED = "text-embedding-3-small-v2";

    /**
     * An upstream that answers {@link #ASKED} as {@link #ANSWERED} (as OpenAI names a dated snapshot), with one response id per
     * operation and mode: chat, legacy completions and Responses, each streaming and not; embeddings have a model and no id.
     */
    private static ScriptedUpstream.Script answered(JsonObject body) {
        boolean stream = Boolean.TRUE.equals(body.getValue("stream"));
        String usage = "\"usage\":{\"prompt_tokens\":3,\"completion_tokens\":2,\"total_tokens\":5}";
        String m = "\"model\":\"" + ANSWERED + "\"";
        if (body.containsKey("messages")) {
            if (!stream) {
                return ScriptedUpstream.Script.json(200, "{\"id\":\"chatcmpl-up-chat\",\"object\":\"chat.completion\",\"created\":1," + m
                        + ",\"choices\":[{\"index\":0,\"message\":{\"role\":\"assistant\",\"content\":\"ok then\"},\"finish_reason\":\"stop\"}],"
                        + usage + "}");
            }
            String head = "{\"id\":\"chatcmpl-up-chat-stream\",\"object\":\"chat.completion.chunk\",\"created\":1," + m;
            return ScriptedUpstream.Script.sse(ScriptedUpstream.Ending.END,
                    head + ",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"ok\"},\"finish_reason\":null}]}",
                    head + ",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}",
                    head + ",\"choices\":[]," + usage + "}", "[DONE]");
        }
        if (body.containsKey("prompt")) {
            String head = "{\"id\":\"cmpl-up-text" + (stream ? "-stream" : "") + "\",\"object\":\"text_completion\",\"created\":1," + m;
            if (!stream) {
                return ScriptedUpstream.Script.json(200, head + ",\"choices\":[{\"index\":0,\"text\":\"ok then\",\"finish_reason\":\"stop\"}],"
                        + usage + "}");
            }
            return ScriptedUpstream.Script.sse(ScriptedUpstream.Ending.END,
                    head + ",\"choices\":[{\"index\":0,\"text\":\"ok\",\"finish_reason\":null}]}",
                    head + ",\"choices\":[{\"index\":0,\"text\":\"\",\"finish_reason\":\"stop\"}]}",
                    head + ",\"choices\":[]," + usage + "}", "[DONE]");
        }
        String rusage = "\"usage\":{\"input_tokens\":3,\"output_tokens\":2,\"total_tokens\":5}";
        String id = "resp_up" + (stream ? "_stream" : "");
        String done = "{\"id\":\"" + id + "\",\"object\":\"response\",\"status\":\"completed\"," + m
                + ",\"output\":[{\"type\":\"message\",\"id\":\"msg_1\",\"status\":\"completed\",\"role\":\"assistant\","
                + "\"content\":[{\"type\":\"output_text\",\"text\":\"ok\",\"annotations\":[]}]}]," + rusage + "}";
        if (!stream) {
            return ScriptedUpstream.Script.json(200, done);
        }
        return new ScriptedUpstream.Script(200, "text/event-stream", List.of(
                "event: response.created\ndata: {\"type\":\"response.created\",\"sequence_number\":0,\"response\":{\"id\":\"" + id
                        + "\",\"object\":\"response\",\"status\":\"in_progress\"," + m + ",\"output\":[]}}\n\n",
                "event: response.output_text.delta\ndata: {\"type\":\"response.output_text.delta\",\"sequence_number\":1,"
                        + "\"item_id\":\"msg_1\",\"output_index\":0,\"content_index\":0,\"delta\":\"ok\"}\n\n",
                "event: response.completed\ndata: {\"type\":\"response.completed\",\"sequence_number\":2,\"response\":" + done + "}\n\n"),
                ScriptedUpstream.Ending.END);
    }

    @Test
    void spansAndLogLinesNameTheResponseIdAndTheModelThatAnswered() throws Exception {
        try (ScriptedUpstream up = ScriptedUpstream.start(upstreamVertx)) {
            up.on(ASKED, TracingTest::answered);
            up.on(EMBED_ASKED, ScriptedUpstream.Script.json(200, "{\"object\":\"list\",\"data\":[{\"object\":\"embedding\",\"index\":0,"
                    + "\"embedding\":[0.6,0.8]}],\"model\":\"" + EMBED_ANSWERED + "\",\"usage\":{\"prompt_tokens\":2,\"total_tokens\":2}}"));
            start(Map.of(), true, openAi("scripted", up.baseUrl(), ASKED, EMBED_ASKED));
            String[][] calls = {
                    {"/v1/chat/completions", chat(ASKED, false), "chatcmpl-up-chat"},
                    {"/v1/chat/completions", chat(ASKED, true), "chatcmpl-up-chat-stream"},
                    {"/v1/completions", "{\"model\":\"" + ASKED + "\",\"prompt\":\"say ok\"}", "cmpl-up-text"},
                    {"/v1/completions", "{\"model\":\"" + ASKED + "\",\"prompt\":\"say ok\",\"stream\":true}", "cmpl-up-text-stream"},
                    {"/v1/responses", "{\"model\":\"" + ASKED + "\",\"input\":\"say ok\"}", "resp_up"},
                    {"/v1/responses", "{\"model\":\"" + ASKED + "\",\"input\":\"say ok\",\"stream\":true}", "resp_up_stream"},
            };
            for (int i = 0; i < calls.length; i++) {
                String rid = "req-answered-" + i;
                HttpResponse<String> r = post(calls[i][0], calls[i][1], "x-request-id", rid);
                assertThat(r.statusCode()).as(calls[i][0] + " " + r.body()).isEqualTo(200);
                JsonObject line = logLine(rid);
                assertThat(line.getString("model")).isEqualTo(ASKED);
                assertThat(line.getString("response_model")).as(calls[i][1]).isEqualTo(ANSWERED);
                assertThat(line.getString("response_id")).as(calls[i][1]).isEqualTo(calls[i][2]);
                Map<String, AnyValue> a = attrs(spanOf(line.getString("trace_id")));
                assertThat(a.get("gen_ai.request.model").getStringValue()).isEqualTo(ASKED);
                assertThat(a.get("gen_ai.response.model")).as(calls[i][1]).isNotNull();
                assertThat(a.get("gen_ai.response.model").getStringValue()).isEqualTo(ANSWERED);
                assertThat(a.get("gen_ai.response.id")).as(calls[i][1]).isNotNull();
                assertThat(a.get("gen_ai.response.id").getStringValue()).isEqualTo(calls[i][2]);
            }
            post("/v1/embeddings", "{\"model\":\"" + EMBED_ASKED + "\",\"input\":\"x y\"}", "x-request-id", "req-answered-emb");
            JsonObject emb = logLine("req-answered-emb");
            assertThat(emb.getString("response_model")).isEqualTo(EMBED_ANSWERED);
            assertThat(emb.getValue("response_id")).as("embeddings have no id").isNull();
            Map<String, AnyValue> ea = attrs(spanOf(emb.getString("trace_id")));
            assertThat(ea.get("gen_ai.response.model").getStringValue()).isEqualTo(EMBED_ANSWERED);
            assertThat(ea).doesNotContainKey("gen_ai.response.id");

            // the simulated backend answers with its own ids and the model asked for
            String[][] sim = {
                    {"/v1/chat/completions", chat(SIM, false), "chatcmpl-"},
                    {"/v1/chat/completions", chat(SIM, true), "chatcmpl-"},
                    {"/v1/completions", "{\"model\":\"" + SIM + "\",\"prompt\":\"say ok\",\"stream\":true}", "cmpl-"},
                    {"/v1/responses", "{\"model\":\"" + SIM + "\",\"input\":\"say ok\"}", "resp_"},
                    {"/v1/responses", "{\"model\":\"" + SIM + "\",\"input\":\"say ok\",\"stream\":true}", "resp_"},
            };
            for (int i = 0; i < sim.length; i++) {
                String rid = "req-sim-" + i;
                assertThat(post(sim[i][0], sim[i][1], "x-request-id", rid).statusCode()).isEqualTo(200);
                JsonObject line = logLine(rid);
                assertThat(line.getString("response_id")).as(sim[i][1]).startsWith(sim[i][2]);
                assertThat(line.getString("response_model")).isEqualTo(SIM);
                Map<String, AnyValue> a = attrs(spanOf(line.getString("trace_id")));
                assertThat(a.get("gen_ai.response.id").getStringValue()).isEqualTo(line.getString("response_id"));
                assertThat(a.get("gen_ai.response.model").getStringValue()).isEqualTo(SIM);
            }

            // never a label: no response id in the metrics
            String metrics = GatewayFixture.HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port() + "/metrics"))
                    .build(), HttpResponse.BodyHandlers.ofString()).body();
            assertThat(metrics).doesNotContain("chatcmpl-", "resp_up", ANSWERED);
        }
    }

    @Test
    void anUnsampledCallerIsFollowedAndItsContextStillForwarded() throws Exception {
        start(Map.of());
        String tid = "0af7651916cd43dd8448eb211c80319c";
        post("/v1/chat/completions", chat(UP, false), "traceparent", "00-" + tid + "-b7ad6b7169203331-00", "x-request-id", "req-unsampled");
        String forwarded = upstream.requests().get(upstream.requests().size() - 1).header("traceparent");
        assertThat(forwarded).startsWith("00-" + tid + "-").endsWith("-00");
        assertThat(exemplarTraceId("req-unsampled")).isEqualTo(tid);
        post("/v1/chat/completions", chat(SIM, false), "x-request-id", "req-sampled");
        spanOf(exemplarTraceId("req-sampled")); // exported: the exporter works, so the absence below is the sampler's
        assertThat(spans()).noneMatch(sp -> hex(sp.getTraceId().toByteArray()).equals(tid));
    }

    @Test
    void withTracingOffTheCallersContextIsForwardedUnchangedAndNothingExported() throws Exception {
        start(Map.of(), false);
        String tp = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01";
        post("/v1/chat/completions", chat(UP, false), "traceparent", tp, "tracestate", "vendor=abc", "x-request-id", "req-off-1");
        FakeOpenAiUpstream.Received got = upstream.requests().get(upstream.requests().size() - 1);
        assertThat(got.header("traceparent")).isEqualTo(tp);
        assertThat(got.header("tracestate")).isEqualTo("vendor=abc");
        assertThat(exemplarTraceId("req-off-1")).isEqualTo("4bf92f3577b34da6a3ce929d0e0e4736");
        // a malformed or overlong context is not passed on
        Thread.sleep(150); // the next exemplar of the model
        post("/v1/chat/completions", chat(UP, false), "traceparent", tp + "-extra-" + "x".repeat(200), "x-request-id", "req-off-2");
        assertThat(upstream.requests().get(upstream.requests().size() - 1).header("traceparent")).isNull();
        post("/v1/chat/completions", chat(UP, false));
        assertThat(upstream.requests().get(upstream.requests().size() - 1).header("traceparent")).isNull();
        assertThat(server.telemetry().tracing().enabled()).isFalse();
        Thread.sleep(300);
        assertThat(received).isEmpty();
    }

    @Test
    void theRequestLogHasOneLinePerCallWithoutText() throws Exception {
        start(Map.of());
        post("/v1/chat/completions", chat(SIM, false), "x-request-id", "req-log-1");
        post("/v1/chat/completions", GatewayFixture.chatBody(SIM, "please raise an error").encode(), "x-request-id", "req-log-2");
        Path log = dir.resolve("requests.log");
        GatewayFixture.await("two request log lines", () -> GatewayFixture.completeLines(log).size() >= 2);
        List<String> lines = GatewayFixture.completeLines(log);
        JsonObject ok = lines.stream().map(JsonObject::new).filter(j -> "req-log-1".equals(j.getString("request_id"))).findFirst().orElseThrow();
        assertThat(ok.getString("trace_id")).isEqualTo(exemplarTraceId("req-log-1"));
        assertThat(ok.getString("span_id")).hasSize(16);
        assertThat(ok.getString("route")).isEqualTo("/v1/chat/completions");
        assertThat(ok.getString("operation")).isEqualTo("chat");
        assertThat(ok.getString("model")).isEqualTo(SIM);
        assertThat(ok.getString("backend")).isEqualTo("simulated");
        assertThat(ok.getString("status")).isEqualTo("success");
        assertThat(ok.getValue("error_type")).isNull();
        assertThat(ok.getDouble("latency_seconds")).isPositive();
        assertThat(ok.getLong("input_tokens")).isEqualTo(5);
        assertThat(ok.getLong("output_tokens")).isBetween(20L, 150L);
        assertThat(ok.getDouble("cost_usd")).isPositive();
        assertThat(ok.containsKey("api_key")).isTrue();
        assertThat(ok.getString("time")).matches("\\d{4}-\\d\\d-\\d\\dT.*Z");
        JsonObject failed = lines.stream().map(JsonObject::new).filter(j -> "req-log-2".equals(j.getString("request_id"))).findFirst().orElseThrow();
        assertThat(failed.getString("status")).isEqualTo("failure");
        assertThat(failed.getString("error_type")).isEqualTo("model_error");
        assertThat(String.join("\n", lines)).doesNotContain("otters", "raise an error", "simulated response");
    }
}
