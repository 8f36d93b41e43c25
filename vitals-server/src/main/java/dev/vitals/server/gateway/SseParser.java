package dev.vitals.server.gateway;

import io.netty.buffer.ByteBuf;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.internal.buffer.BufferInternal;
import java.util.Arrays;

/**
 * Incremental parser of a Server-Sent Events byte stream (the WHATWG format): events end at a blank
 * line ({@code \n\n}, {@code \r\n\r\n} or {@code \r\r}). Each complete event is handed over as a
 * range of a byte array — its raw bytes, terminator included, so it can be forwarded unchanged —
 * together with the range of its data: for the usual single {@code data:} line that range lies inside
 * the raw bytes; several data lines are joined with {@code \n} into a new array, as the format says.
 * Events without data are dropped. Each read is scanned as an array (Buffer.getByte's bounds checks per
 * byte cost more than the rest of the parse): the buffer's own when it has one, so a whole event is never
 * copied; only the bytes of an unfinished event are, and an event larger than {@code maxEventBytes} fails
 * the stream.
 */
final class SseParser {
    /** Receives one event; the arrays are shared and must not be changed. */
    interface Sink {
        void event(byte[] raw, int rawOff, int rawLen, byte[] data, int off, int len);
    }

    private static final byte[] EMPTY = new byte[0];

    private final Sink sink;
    private final int maxEventBytes;
    private byte[] pending = EMPTY;
    private int scanFrom;
    /** Whether a {@code \r} was seen since the last event ended. */
    private boolean cr;
    /** See {@link #plain()}. */
    private boolean plain;

    SseParser(int maxEventBytes, Sink sink) {
        this.maxEventBytes = maxEventBytes;
        this.sink = sink;
    }

    /** Feeds bytes; calls the sink once per complete event that has data. */
    void feed(Buffer chunk) {
        byte[] buf;
        int from;
        int len;
        if (pending.length == 0) {
            // the read's own array when it has one: Vert.x hands a handler a buffer of its own that nothing
            // changes later (a pooled read is copied out first), so the events can point into it
            ByteBuf bb = chunk instanceof BufferInternal bi ? bi.getByteBuf() : null;
            if (bb != null && bb.hasArray()) {
                buf = bb.array();
                from = bb.arrayOffset() + bb.readerIndex();
                len = from + bb.readableBytes();
            } else {
                buf = chunk.getBytes();
                from = 0;
                len = buf.length;
            }
        } else {
            buf = Arrays.copyOf(pending, pending.length + chunk.length());
            chunk.getBytes(buf, pending.length);
            from = 0;
            len = buf.length;
        }
        int eventStart = from;
        int i = from + scanFrom;
        while (i < len) {
            byte b = buf[i];
            if (b != '\n' && b != '\r') {
                i++;
                continue;
            }
            int next = i + 1;
            if (b == '\r') {
                cr = true;
                if (next >= len) {
                    break; // a \r\n may be split across chunks
                }
                if (buf[next] == '\n') {
                    next++;
                }
            }
            if (next >= len) {
                break; // need the next byte to know whether a blank line follows
            }
            byte c = buf[next];
            if (c == '\n' || c == '\r') {
                int after = next + 1;
                if (c == '\r') {
                    cr = true;
                    if (after >= len) {
                        break;
                    }
                    if (buf[after] == '\n') {
                        after++;
                    }
                }
                dispatch(buf, eventStart, i, after);
                eventStart = after;
                i = after;
                continue;
            }
            i = next;
        }
        pending = eventStart == len ? EMPTY : eventStart == 0 && len == buf.length ? buf : Arrays.copyOfRange(buf, eventStart, len);
        scanFrom = Math.max(0, i - eventStart);
        if (pending.length > maxEventBytes) {
            throw new IllegalStateException("server-sent event larger than " + maxEventBytes + " bytes");
        }
    }

    /**
     * Whether the event being handed to the sink is written the plain way: one {@code data:} line, every line
     * ended by {@code \n} alone (so that reading the stream line by line finds the same payloads). Valid during
     * the sink's call.
     */
    boolean plain() {
        return plain;
    }

    /** Whether bytes of an unfinished event are buffered. */
    boolean hasPartialEvent() {
        for (byte b : pending) {
            if (b != '\n' && b != '\r' && b != ' ') {
                return true;
            }
        }
        return false;
    }

    /** The event is {@code bytes[start, end)}; its lines end at {@code bodyEnd}, where the blank line begins. */
    private void dispatch(byte[] bytes, int start, int bodyEnd, int end) {
        boolean sawCr = cr;
        cr = false;
        int dataOff = -1;
        int dataLen = 0;
        java.io.ByteArrayOutputStream joined = null;
        int lineStart = start;
        while (lineStart < bodyEnd) {
            int lineEnd = lineStart;
            while (lineEnd < bodyEnd && bytes[lineEnd] != '\n' && bytes[lineEnd] != '\r') {
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
            if (lineStart < bodyEnd && bytes[lineStart] == '\r') {
                lineStart++;
            }
            if (lineStart < bodyEnd && bytes[lineStart] == '\n') {
                lineStart++;
            }
        }
        if (dataOff < 0) {
            return;
        }
        plain = !sawCr && joined == null;
        if (joined != null) {
            byte[] j = joined.toByteArray();
            sink.event(bytes, start, end - start, j, 0, j.length);
        } else {
            sink.event(bytes, start, end - start, bytes, dataOff, dataLen);
        }
    }
}
