package dev.vitals.server.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * What the evaluators will read of one call's answer, held in memory until they ran and never stored:
 * the non-streaming response body (by reference, no copy), or the stream's events up to a byte bound (a
 * longer stream is evaluated on its beginning and marked truncated). A stream's events are kept as ranges
 * of the arrays they arrived in (which nothing changes, see {@link StreamEvent}), not copied: events of one
 * read are one range, and a stream read at once is one array held by reference. They are joined into one
 * array, if there are several, when the evaluators read them; a chat stream's text, which the gateway read as the
 * events arrived, is kept beside them, so that the evaluators do not parse the stream again. Filled on the request's
 * event loop, read once on the evaluation thread after the call was recorded.
 */
public final class ResponseCapture {
    private final int maxBytes;
    private Buffer body;
    /** The ranges: arrays[i] from offs[2i] to offs[2i+1]; count of them in use. */
    private byte[][] arrays;
    private int[] offs;
    private int count;
    private int length;
    /** Bytes of the arrays the ranges hold on to (each counted once): past twice the bound, ranges are copied. */
    private long held;
    private boolean truncated;
    /** The joined events, once read. */
    private byte[] joined;
    /**
     * The captured events' {@link StreamEvent#text() text}, joined; {@code null} until one has some, and again once one
     * came without it. At most one character per captured byte: bounded as the events are.
     */
    private StringBuilder text;
    /** Whether an event came without its text: the evaluators read the events then. */
    private boolean textUnknown;

    public ResponseCapture(int maxBytes) {
        this.maxBytes = maxBytes;
    }

    /** The whole non-streaming body. */
    void body(Buffer b) {
        this.body = b;
    }

    /** Keeps one stream event's bytes, up to the bound. */
    void event(StreamEvent ev) {
        if (truncated) {
            return;
        }
        int n = ev.rawLen();
        if (length + n > maxBytes) {
            truncated = true;
            return;
        }
        String t = ev.text();
        if (t == null) {
            textUnknown = true;
            text = null;
        } else if (!textUnknown && !t.isEmpty()) {
            if (text == null) {
                text = new StringBuilder(Math.max(16, t.length()));
            }
            text.append(t);
        }
        byte[] raw = ev.raw();
        int off = ev.rawOff();
        if (count > 0 && arrays[count - 1] == raw && offs[2 * count - 1] == off) {
            offs[2 * count - 1] = off + n; // the next event of the same read
        } else {
            if (arrays == null) {
                arrays = new byte[4][];
                offs = new int[8];
            } else if (count == arrays.length) {
                arrays = java.util.Arrays.copyOf(arrays, count * 2);
                offs = java.util.Arrays.copyOf(offs, count * 4);
            }
            if (held + raw.length > 2L * maxBytes) {
                // short events in large reads (pings, comments around them): keep their bytes, not the reads
                raw = java.util.Arrays.copyOfRange(raw, off, off + n);
                off = 0;
            }
            held += raw.length;
            arrays[count] = raw;
            offs[2 * count] = off;
            offs[2 * count + 1] = off + n;
            count++;
        }
        length += n;
    }

    /** Bytes of the arrays this capture keeps alive. */
    long heldBytes() {
        return held;
    }

    /** The non-streaming body, or {@code null} for a stream. */
    public Buffer body() {
        return body;
    }

    /** The stream's Server-Sent Events as received (UTF-8), or {@code null} when it was not a stream. */
    public String events() {
        byte[] b = eventBytes();
        return b == null ? null : new String(b, 0, length, java.nio.charset.StandardCharsets.UTF_8);
    }

    /** The stream's events as received, valid up to {@link #eventLength()}; {@code null} when it was not a stream. Read-only. */
    public byte[] eventBytes() {
        if (joined != null || count == 0) {
            return joined;
        }
        if (count == 1 && offs[0] == 0) {
            joined = arrays[0];
        } else {
            joined = new byte[length];
            for (int i = 0, at = 0; i < count; i++) {
                int n = offs[2 * i + 1] - offs[2 * i];
                System.arraycopy(arrays[i], offs[2 * i], joined, at, n);
                at += n;
            }
        }
        arrays = null;
        offs = null;
        return joined;
    }

    /**
     * The first choice's text of the captured events, read as they were relayed, or {@code null}: when the answer was
     * not a stream, no event was captured, or one came without its text (then the evaluators read {@link #eventBytes()}).
     */
    public String streamText() {
        if (textUnknown || length == 0) {
            return null;
        }
        return text == null ? "" : text.toString();
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
