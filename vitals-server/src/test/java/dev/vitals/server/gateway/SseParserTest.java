package dev.vitals.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Events come out whole and unchanged however the bytes were split into reads. */
class SseParserTest {
    private static final String STREAM = "data: {\"a\":1}\n\n"
            + ": a comment only\n\n"
            + "data:{\"b\":2}\r\n\r\n"
            + "event: x\ndata: line one\ndata: line two\n\n"
            + "data: {\"c\":\"é\"}\r\r"
            + "id: 7\n\n"
            + "data: [DONE]\n\n";
    private static final List<String> RAW = List.of("data: {\"a\":1}\n\n", "data:{\"b\":2}\r\n\r\n",
            "event: x\ndata: line one\ndata: line two\n\n", "data: {\"c\":\"é\"}\r\r", "data: [DONE]\n\n");
    private static final List<String> DATA = List.of("{\"a\":1}", "{\"b\":2}", "line one\nline two", "{\"c\":\"é\"}", "[DONE]");

    /** Whether each event is plain: one data line, lines ended by \n alone. */
    private static final List<String> PLAIN = List.of("true", "false", "false", "false", "true");

    private static List<String[]> parse(List<byte[]> reads) {
        List<String[]> out = new ArrayList<>();
        SseParser[] p = new SseParser[1];
        p[0] = new SseParser(1 << 20, (raw, rawOff, rawLen, data, off, len) -> out.add(new String[] {
                new String(raw, rawOff, rawLen, StandardCharsets.UTF_8), new String(data, off, len, StandardCharsets.UTF_8),
                Boolean.toString(p[0].plain())}));
        for (byte[] r : reads) {
            p[0].feed(Buffer.buffer(r));
        }
        assertThat(p[0].hasPartialEvent()).isFalse();
        return out;
    }

    private static void assertEvents(List<String[]> events) {
        assertThat(events).extracting(e -> e[0]).containsExactlyElementsOf(RAW);
        assertThat(events).extracting(e -> e[1]).containsExactlyElementsOf(DATA);
        assertThat(events).extracting(e -> e[2]).containsExactlyElementsOf(PLAIN);
    }

    @Test
    void oneRead() {
        assertEvents(parse(List.of(STREAM.getBytes(StandardCharsets.UTF_8))));
    }

    @Test
    void everySplitIntoTwoReads() {
        byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < all.length; cut++) {
            byte[] a = java.util.Arrays.copyOfRange(all, 0, cut);
            byte[] b = java.util.Arrays.copyOfRange(all, cut, all.length);
            assertEvents(parse(List.of(a, b)));
        }
    }

    /** Reads that are slices of larger arrays (an offset inside the array) and events pointing into the read itself. */
    @Test
    void readsAtAnOffsetOfTheirArray() {
        byte[] all = STREAM.getBytes(StandardCharsets.UTF_8);
        for (int cut = 1; cut < all.length; cut += 7) {
            Buffer whole = Buffer.buffer("garbage\n\n").appendBytes(all).appendString("more garbage");
            int from = "garbage\n\n".length();
            List<String[]> out = new ArrayList<>();
            List<byte[]> arrays = new ArrayList<>();
            SseParser[] p = new SseParser[1];
            p[0] = new SseParser(1 << 20, (raw, rawOff, rawLen, data, off, len) -> {
                arrays.add(raw);
                out.add(new String[] {new String(raw, rawOff, rawLen, StandardCharsets.UTF_8), new String(data, off, len, StandardCharsets.UTF_8),
                    Boolean.toString(p[0].plain())});
            });
            p[0].feed(whole.slice(from, from + cut));
            p[0].feed(whole.slice(from + cut, from + all.length));
            assertThat(p[0].hasPartialEvent()).isFalse();
            assertEvents(out);
        }
        // one read holding whole events: they are ranges of the read's own array, not copies
        Buffer read = Buffer.buffer(all);
        List<byte[]> arrays = new ArrayList<>();
        new SseParser(1 << 20, (raw, rawOff, rawLen, data, off, len) -> arrays.add(raw)).feed(read);
        assertThat(arrays).hasSize(RAW.size()).allSatisfy(a -> assertThat(a).isSameAs(arrays.get(0)));
    }

    @Test
    void oneByteAtATime() {
        List<byte[]> reads = new ArrayList<>();
        for (byte x : STREAM.getBytes(StandardCharsets.UTF_8)) {
            reads.add(new byte[] {x});
        }
        assertEvents(parse(reads));
    }

    @Test
    void anUnfinishedEventIsKeptAndAnOversizedOneFails() {
        SseParser p = new SseParser(64, (raw, rawOff, rawLen, data, off, len) -> { });
        p.feed(Buffer.buffer("data: {\"partial\":"));
        assertThat(p.hasPartialEvent()).isTrue();
        assertThatThrownBy(() -> p.feed(Buffer.buffer("x".repeat(100))))
                .isInstanceOf(IllegalStateException.class).hasMessage("server-sent event larger than 64 bytes");
    }
}
