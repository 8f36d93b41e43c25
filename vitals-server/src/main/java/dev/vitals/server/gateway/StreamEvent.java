package dev.vitals.server.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * One Server-Sent Event of a chat stream.
 *
 * @param raw holds the bytes to forward ({@code data: {...}\n\n}, unchanged JSON) at {@code rawOff}; never to be changed,
 *            by anyone, once in an event: the relay writes from it and the evaluators' capture keeps it, without copies
 * @param rawOff where they start
 * @param rawLen how many there are
 * @param contentChars characters the model produced in this chunk: content, refusal, reasoning, tool-call names and arguments
 * @param hasContent whether the chunk carries produced text of any kind (the first such chunk is the first token)
 * @param usage the usage this chunk reports, or {@code null}
 * @param usageOnly whether this is the extra usage chunk ({@code choices} empty) that only clients asking for it see
 * @param finishReason the finish reason this chunk reports, or {@code null}
 * @param responseId the stream's response id as this event (or an earlier one) names it, or {@code null}
 * @param responseModel the model that answers, as the stream names it, or {@code null}
 * @param text the first choice's content in this chunk as the evaluators read a captured stream ({@code ""} when it has
 *             none), or {@code null} when the chunk was not read for it or holds what they read otherwise (they parse
 *             the captured stream then)
 */
public record StreamEvent(byte[] raw, int rawOff, int rawLen, int contentChars, boolean hasContent, Usage usage,
                          boolean usageOnly, String finishReason, String responseId, String responseModel, String text) {

    public StreamEvent(byte[] raw, int rawOff, int rawLen, int contentChars, boolean hasContent, Usage usage,
                       boolean usageOnly, String finishReason) {
        this(raw, rawOff, rawLen, contentChars, hasContent, usage, usageOnly, finishReason, null, null);
    }

    public StreamEvent(byte[] raw, int rawOff, int rawLen, int contentChars, boolean hasContent, Usage usage,
                       boolean usageOnly, String finishReason, String responseId, String responseModel) {
        this(raw, rawOff, rawLen, contentChars, hasContent, usage, usageOnly, finishReason, responseId, responseModel, null);
    }

    /** An event whose bytes are all of {@code sse}. */
    static StreamEvent of(Buffer sse, int contentChars, boolean hasContent, Usage usage, boolean usageOnly, String finishReason) {
        return of(sse, contentChars, hasContent, usage, usageOnly, finishReason, null, null);
    }

    /** An event whose bytes are all of {@code sse}, naming the stream's response id and model. */
    static StreamEvent of(Buffer sse, int contentChars, boolean hasContent, Usage usage, boolean usageOnly, String finishReason,
                          String responseId, String responseModel) {
        byte[] b = sse.getBytes();
        return new StreamEvent(b, 0, b.length, contentChars, hasContent, usage, usageOnly, finishReason, responseId, responseModel);
    }

    /** Appends the event's bytes to {@code out}. */
    public void appendTo(Buffer out) {
        out.appendBytes(raw, rawOff, rawLen);
    }
}
