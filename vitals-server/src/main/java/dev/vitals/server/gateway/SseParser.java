package dev.vitals.server.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * Incremental parser of a Server-Sent Events byte stream (the WHATWG format): events end at a blank
 * line ({@code \n\n}, {@code \r\n\r\n} or {@code \r\r}). Each complete event is handed over as its
 * raw bytes (terminator included, so it can be forwarded unchanged) together with the offsets of its
 * data: for the usual single {@code data:} line they point into the raw bytes; several data lines are
 * joined with {@code \n} into a new array, as the format says. Events without data are dropped.
 * Bytes are buffered only up to the end of the current event; an event larger than
 * {@code maxEventBytes} fails the stream.
 */
final class SseParser {
    /** Receives one event. */
    interface Sink {
        void event(Buffer raw, byte[] data, int off, int len);
    }

    private final Sink sink;
    private final int maxEventBytes;
    private Buffer pending = Buffer.buffer();
    private int scanFrom;

    SseParser(int maxEventBytes, Sink sink) {
        this.maxEventBytes = maxEventBytes;
        this.sink = sink;
    }

    /** Feeds bytes; calls the sink once per complete event that has data. */
    void feed(Buffer chunk) {
        pending.appendBuffer(chunk);
        int len = pending.length();
        int eventStart = 0;
        int i = scanFrom;
        while (i < len) {
            byte b = pending.getByte(i);
            if (b != '\n' && b != '\r') {
                i++;
                continue;
            }
            int next = i + 1;
            if (b == '\r') {
                if (next >= len) {
                    break; // a \r\n may be split across chunks
                }
                if (pending.getByte(next) == '\n') {
                    next++;
                }
            }
            if (next >= len) {
                break; // need the next byte to know whether a blank line follows
            }
            byte c = pending.getByte(next);
            if (c == '\n' || c == '\r') {
                int after = next + 1;
                if (c == '\r') {
                    if (after >= len) {
                        break;
                    }
                    if (pending.getByte(after) == '\n') {
                        after++;
                    }
                }
                dispatch(pending.getBytes(eventStart, after), i - eventStart);
                eventStart = after;
                i = after;
                continue;
            }
            i = next;
        }
        if (eventStart > 0) {
            pending = pending.getBuffer(eventStart, len);
            i -= eventStart;
        }
        scanFrom = Math.max(0, i);
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

    /** {@code body} is the event without its blank-line terminator: {@code bytes[0, bodyLen)}. */
    private void dispatch(byte[] bytes, int bodyLen) {
        int dataOff = -1;
        int dataLen = 0;
        java.io.ByteArrayOutputStream joined = null;
        int lineStart = 0;
        while (lineStart < bodyLen) {
            int lineEnd = lineStart;
            while (lineEnd < bodyLen && bytes[lineEnd] != '\n' && bytes[lineEnd] != '\r') {
                lineEnd++;
            }
            if (lineEnd - lineStart >= 5 && bytes[lineStart] == 'd' && bytes[lineStart + 1] == 'a'
                    && bytes[lineStart + 2] == 't' && bytes[lineStart + 3] == 'a' && bytes[lineStart + 4] == ':') {
                int v = lineStart + 5;
                if (v < lineEnd && bytes[v] == ' ') {
                    v++;
                }
                if (dataOff < 0) {
                    dataOff = v;
                    dataLen = lineEnd - v;
                } else {
                    if (joined == null) {
                        joined = new java.io.ByteArrayOutputStream();
                        joined.write(bytes, dataOff, dataLen);
                    }
                    joined.write('\n');
                    joined.write(bytes, v, lineEnd - v);
                }
            }
            lineStart = lineEnd;
            if (lineStart < bodyLen && bytes[lineStart] == '\r') {
                lineStart++;
            }
            if (lineStart < bodyLen && bytes[lineStart] == '\n') {
                lineStart++;
            }
        }
        if (dataOff < 0) {
            return;
        }
        Buffer raw = Buffer.buffer(bytes);
        if (joined != null) {
            byte[] j = joined.toByteArray();
            sink.event(raw, j, 0, j.length);
        } else {
            sink.event(raw, bytes, dataOff, dataLen);
        }
    }
}
