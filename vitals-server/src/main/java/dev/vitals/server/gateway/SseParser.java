package dev.vitals.server.gateway;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.function.Consumer;

/**
 * Incremental parser of a Server-Sent Events byte stream (the WHATWG format): events end at a blank
 * line ({@code \n\n}, {@code \r\n\r\n} or {@code \r\r}); an event's {@code data:} lines are joined
 * with {@code \n}; comments and other fields are ignored. Bytes are buffered only up to the end of the
 * current event; an event larger than {@code maxEventBytes} fails the stream.
 */
final class SseParser {
    private final Consumer<String> onData;
    private final int maxEventBytes;
    private Buffer pending = Buffer.buffer();
    private int scanFrom;

    SseParser(int maxEventBytes, Consumer<String> onData) {
        this.maxEventBytes = maxEventBytes;
        this.onData = onData;
    }

    /** Feeds bytes; calls {@code onData} once per complete event that has data. */
    void feed(Buffer chunk) {
        pending.appendBuffer(chunk);
        int len = pending.length();
        int eventStart = 0;
        int i = Math.max(scanFrom, 0);
        while (i < len) {
            byte b = pending.getByte(i);
            if (b == '\n' || b == '\r') {
                int lineEnd = i;
                int next = i + 1;
                if (b == '\r' && next < len && pending.getByte(next) == '\n') {
                    next++;
                }
                if (next >= len) {
                    break; // need more bytes to know whether a blank line follows
                }
                byte c = pending.getByte(next);
                if (c == '\n' || c == '\r') {
                    int after = next + 1;
                    if (c == '\r' && after < len && pending.getByte(after) == '\n') {
                        after++;
                    } else if (c == '\r' && after >= len) {
                        break;
                    }
                    dispatch(pending.getString(eventStart, lineEnd, StandardCharsets.UTF_8.name()));
                    eventStart = after;
                    i = after;
                    continue;
                }
                i = next;
                continue;
            }
            i++;
        }
        if (eventStart > 0) {
            pending = pending.getBuffer(eventStart, len);
            i -= eventStart;
        }
        scanFrom = Math.max(0, i - 2);
        if (pending.length() > maxEventBytes) {
            throw new IllegalStateException("server-sent event larger than " + maxEventBytes + " bytes");
        }
    }

    /** Whether bytes of an unfinished event are buffered. */
    boolean hasPartialEvent() {
        for (int i = 0; i < pending.length(); i++) {
            byte b = pending.getByte(i);
            if (b != '\n' && b != '\r' && b != ' ') {
                return true;
            }
        }
        return false;
    }

    private void dispatch(String event) {
        StringBuilder data = null;
        for (String line : event.split("\r\n|\n|\r", -1)) {
            if (line.startsWith("data:")) {
                String v = line.length() > 5 && line.charAt(5) == ' ' ? line.substring(6) : line.substring(5);
                if (data == null) {
                    data = new StringBuilder(v);
                } else {
                    data.append('\n').append(v);
                }
            }
        }
        if (data != null) {
            onData.accept(data.toString());
        }
    }
}
