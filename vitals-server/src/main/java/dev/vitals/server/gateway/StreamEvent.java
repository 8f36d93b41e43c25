package dev.vitals.server.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * One Server-Sent Event of a chat stream.
 *
 * @param sse the bytes to forward ({@code data: {...}\n\n}), unchanged JSON
 * @param contentChars characters of assistant text in this chunk
 * @param hasContent whether the chunk carries assistant text (one chunk is counted as one token when usage is missing)
 * @param usage the usage this chunk reports, or {@code null}
 * @param usageOnly whether this is the extra usage chunk ({@code choices} empty) that only clients asking for it see
 * @param finishReason the finish reason this chunk reports, or {@code null}
 */
public record StreamEvent(Buffer sse, int contentChars, boolean hasContent, Usage usage, boolean usageOnly, String finishReason) {
}
