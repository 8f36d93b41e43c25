package dev.vitals.server.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * One Server-Sent Event of a chat stream.
 *
 * @param raw holds the bytes to forward ({@code data: {...}\n\n}, unchanged JSON) at {@code rawOff}; not to be changed
 * @param rawOff where they start
 * @param rawLen how many there are
 * @param contentChars characters the model produced in this chunk: content, refusal, reasoning, tool-call names and arguments
 * @param hasContent whether the chunk carries produced text of any kind (the first such chunk is the first token)
 * @param usage the usage this chunk reports, or {@code null}
 * @param usageOnly whether this is the extra usage chunk ({@code choices} empty) that only clients asking for it see
 * @param finishReason the finish reason this chunk reports, or {@code null}
 */
public record StreamEvent(byte[] raw, int rawOff, int rawLen, int contentChars, boolean hasContent, Usage usage,
                          boolean usageOnly, String finishReason) {

    /** An event whose bytes are all of {@code sse}. */
    static StreamEvent of(Buffer sse, int contentChars, boolean hasContent, Usage usage, boolean usageOnly, String finishReason) {
        byte[] b = sse.getBytes();
        return new StreamEvent(b, 0, b.length, contentChars, hasContent, usage, usageOnly, finishReason);
    }

    /** Appends the event's bytes to {@code out}. */
    public void appendTo(Buffer out) {
        out.appendBytes(raw, rawOff, rawLen);
    }
}
