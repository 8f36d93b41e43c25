package dev.vitals.server.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** A stream's events are captured as ranges of the arrays they came in and read back joined, in order, up to the bound. */
class ResponseCaptureTest {
    private static StreamEvent event(byte[] raw, int off, int len) {
        return new StreamEvent(raw, off, len, 0, false, null, false, null);
    }

    @Test
    void eventsOfOneReadAreHeldByReference() {
        byte[] read = "data: {\"a\":1}\n\ndata: {\"b\":2}\n\ndata: [DONE]\n\n".getBytes(StandardCharsets.UTF_8);
        ResponseCapture c = new ResponseCapture(1 << 20);
        c.event(event(read, 0, 15));
        c.event(event(read, 15, 15));
        assertThat(c.eventBytes()).isSameAs(read);
        assertThat(c.eventLength()).isEqualTo(30);
        assertThat(c.events()).isEqualTo("data: {\"a\":1}\n\ndata: {\"b\":2}\n\n");
        assertThat(c.truncated()).isFalse();
    }

    @Test
    void eventsOfSeveralReadsAndOffsetsAreJoinedInOrder() {
        byte[] first = "xxdata: 1\n\ndata: 2\n\n".getBytes(StandardCharsets.UTF_8);
        byte[] second = "data: 3\n\n".getBytes(StandardCharsets.UTF_8);
        ResponseCapture c = new ResponseCapture(1 << 20);
        c.event(event(first, 2, 9));
        c.event(event(first, 11, 9));
        for (int i = 0; i < 10; i++) { // more ranges than the first arrays hold
            c.event(event(second, 0, 9));
        }
        c.event(event(first, 2, 9)); // the same array again, not adjacent: a range of its own
        String want = "data: 1\n\ndata: 2\n\n" + "data: 3\n\n".repeat(10) + "data: 1\n\n";
        assertThat(c.events()).isEqualTo(want);
        assertThat(new String(c.eventBytes(), 0, c.eventLength(), StandardCharsets.UTF_8)).isEqualTo(want);
    }

    @Test
    void theBoundKeepsTheBeginningAndMarksTheRestTruncated() {
        byte[] read = "data: 1\n\ndata: 2\n\ndata: 3\n\n".getBytes(StandardCharsets.UTF_8);
        ResponseCapture c = new ResponseCapture(20);
        c.event(event(read, 0, 9));
        c.event(event(read, 9, 9));
        c.event(event(read, 18, 9));
        assertThat(c.events()).isEqualTo("data: 1\n\ndata: 2\n\n");
        assertThat(c.truncated()).isTrue();
        ResponseCapture none = new ResponseCapture(4);
        none.event(event(read, 0, 9));
        assertThat(none.eventBytes()).isNull();
        assertThat(none.events()).isNull();
        assertThat(none.truncated()).isTrue();
        assertThat(new ResponseCapture(10).events()).isNull();
    }

    @Test
    void smallEventsInLargeReadsDoNotHoldTheReadsPastTheBound() {
        // a chatty or hostile upstream: each read an 8 KB comment and one short data event
        int bound = 278_528;
        ResponseCapture c = new ResponseCapture(bound);
        String data = "data: {\"choices\":[{\"delta\":{\"content\":\"x\"}}]}\n\n";
        for (int i = 0; i < 2000; i++) {
            byte[] read = (":" + "p".repeat(8192) + "\n\n" + data).getBytes(StandardCharsets.UTF_8);
            c.event(event(read, read.length - data.length(), data.length()));
        }
        assertThat(c.eventLength()).isEqualTo(2000 * data.length());
        assertThat(c.heldBytes()).as("bytes of arrays kept").isLessThanOrEqualTo(3L * bound);
        assertThat(c.events()).isEqualTo(data.repeat(2000));
    }
}
