package dev.vitals.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The per-stream scanner reads each event as the one-shot scanner does, and recovers from bad ones. */
class ChunkScannerTest {
    private static final String[] EVENTS = {
        "{\"id\":\"c\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hé\\\"llo\"},\"finish_reason\":null}]}",
        "  {\"choices\":[{\"delta\":{\"content\":\"\"}}]}\n",
        "{\"choices\":[{\"delta\":{\"content\":\" world\",\"tool_calls\":[{\"x\":[1,2,{\"y\":null}]}]}}],\"extra\":{\"a\":[true]}}",
        "{\"choices\":[{\"delta\":{},\"finish_reason\":\"stop\"}]}",
        "{\"choices\":[],\"usage\":{\"prompt_tokens\":12,\"completion_tokens\":3,\"prompt_tokens_details\":{\"cached_tokens\":5}}}",
        "{\"truncated\":[1,",
        "not json",
        "42",
        "[1,2]",
        "{\"a\":1} {\"b\":2}",
        "{\"choices\":[{\"delta\":{\"content\":\"again\"}}]}",
    };

    private static String describe(ChunkScanner.Result r) {
        return r.json + " " + r.contentChars + " " + r.hasContent + " " + r.finishReason + " " + r.emptyChoices + " " + r.usage();
    }

    /** A buffer (a slice, at an offset of its array; or a plain one) is read in place as its bytes would be. */
    @Test
    void aBufferIsScannedAsItsBytes() {
        for (String e : EVENTS) {
            byte[] b = e.getBytes(StandardCharsets.UTF_8);
            String want = describe(ChunkScanner.scan(b, 0, b.length, true)) + " " + ChunkScanner.scan(b, 0, b.length, true).content;
            io.vertx.core.buffer.Buffer whole = io.vertx.core.buffer.Buffer.buffer("{\"x\":").appendBytes(b).appendString("}]");
            for (io.vertx.core.buffer.Buffer buf : List.of(io.vertx.core.buffer.Buffer.buffer(b), whole.slice(5, 5 + b.length))) {
                ChunkScanner.Result r = ChunkScanner.scan(buf, true);
                assertThat(describe(r) + " " + r.content).as(e).isEqualTo(want);
            }
        }
    }

    @Test
    void incrementalAgreesWithOneShotOnEveryEventInOrder() {
        ChunkScanner.Incremental inc = new ChunkScanner.Incremental();
        for (int round = 0; round < 3; round++) {
            for (String e : EVENTS) {
                byte[] b = ("xx" + e + "yy").getBytes(StandardCharsets.UTF_8);
                int len = b.length - 4;
                ChunkScanner.Result one = ChunkScanner.scan(b, 2, len, false);
                ChunkScanner.Result many = inc.scan(b, 2, len);
                assertThat(describe(many)).as(e).isEqualTo(describe(one));
            }
        }
    }

    @Test
    void readsWhatTheGatewayNeeds() {
        ChunkScanner.Incremental inc = new ChunkScanner.Incremental();
        ChunkScanner.Result first = inc.scan(EVENTS[0].getBytes(StandardCharsets.UTF_8), 0, EVENTS[0].getBytes(StandardCharsets.UTF_8).length);
        assertThat(first.json).isTrue();
        assertThat(first.contentChars).isEqualTo("Hé\"llo".length());
        byte[] usage = EVENTS[4].getBytes(StandardCharsets.UTF_8);
        ChunkScanner.Result u = inc.scan(usage, 0, usage.length);
        assertThat(u.emptyChoices).isTrue();
        assertThat(u.usage()).isEqualTo(new Usage(12, 3, 5));
        byte[] bad = EVENTS[5].getBytes(StandardCharsets.UTF_8);
        assertThat(inc.scan(bad, 0, bad.length).json).isFalse();
        byte[] stop = EVENTS[3].getBytes(StandardCharsets.UTF_8);
        assertThat(inc.scan(stop, 0, stop.length).finishReason).isEqualTo("stop");
    }

    @Test
    void readsTheResponseIdAndModelOnceAndKeepsThemForTheStream() {
        ChunkScanner.Incremental inc = new ChunkScanner.Incremental();
        String first = "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"delta\":{\"content\":\"a\"}}]}";
        byte[] b = first.getBytes(StandardCharsets.UTF_8);
        ChunkScanner.Result r = inc.scan(b, 0, b.length);
        assertThat(r.id).isEqualTo("chatcmpl-1");
        assertThat(r.model).isEqualTo("gpt-4o-2024-08-06");
        String id0 = r.id;
        // later chunks repeat them: kept from the first, not read (nor allocated) again
        String later = "{\"id\":\"chatcmpl-1\",\"model\":\"gpt-4o-2024-08-06\",\"choices\":[{\"delta\":{\"content\":\"b\"}}]}";
        byte[] l = later.getBytes(StandardCharsets.UTF_8);
        ChunkScanner.Result r2 = inc.scan(l, 0, l.length);
        assertThat(r2.readIds).isFalse();
        assertThat(r2.id).isSameAs(id0);
        // a nested id (a tool call's) is not the response's; an overlong one is dropped, not cut
        String nested = "{\"choices\":[{\"delta\":{\"tool_calls\":[{\"id\":\"call_1\"}]}}],\"id\":\"" + "x".repeat(300) + "\"}";
        byte[] n = nested.getBytes(StandardCharsets.UTF_8);
        ChunkScanner.Result one = ChunkScanner.scan(n, 0, n.length, false);
        assertThat(one.json).isTrue();
        assertThat(one.id).isNull();
        assertThat(one.model).isNull();
    }
}
