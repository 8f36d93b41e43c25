package dev.vitals.server.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * What the evaluators will read of one call's answer, held in memory until they ran and never stored:
 * the non-streaming response body (by reference, no copy), or the stream's events copied up to a
 * byte bound (a longer stream is evaluated on its beginning and marked truncated). Filled on the
 * request's event loop, read once on the evaluation thread after the call was recorded.
 */
public final class ResponseCapture {
    private final int maxBytes;
    private Buffer body;
    private byte[] events;
    private int length;
    private boolean truncated;

    public ResponseCapture(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The whole non-streaming body. */
    void body(Buffer b) {
        this.body = b;
    }

    /** Appends one stream event's bytes, up to the bound. */
    void event(StreamEvent ev) {
        if (truncated) {
            return;
        }
        int n = ev.rawLen();
        if (length + n > maxBytes) {
            truncated = true;
            return;
        }
        if (events == null) {
            events = new byte[Math.min(maxBytes, Math.max(4096, n * 64))];
        } else if (length + n > events.length) {
            events = java.util.Arrays.copyOf(events, Math.min(maxBytes, Math.max(length + n, events.length * 2)));
        }
        System.arraycopy(ev.raw(), ev.rawOff(), events, length, n);
        length += n;
    }

    /** The non-streaming body, or {@code null} for a stream. */
    public Buffer body() {
        return body;
    }

    /** The stream's Server-Sent Events as received (UTF-8), or {@code null} when it was not a stream. */
    public String events() {
        return events == null ? null : new String(events, 0, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The stream's events as received, valid up to {@link #eventLength()}; {@code null} when it was not a stream. Read-only. */
    public byte[] eventBytes() {
        return events;
    }

    /** How many bytes of {@link #eventBytes()} hold events. */
    public int eventLength() {
        return length;
    }

    /** Whether a stream was longer than the bound. */
    public boolean truncated() {
        return truncated;
    }
}
