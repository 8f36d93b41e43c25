package dev.vitals.server.gateway;

import io.vertx.core.buffer.Buffer;

/**
 * A finished non-streaming completion.
 *
 * @param body the OpenAI {@code chat.completion} JSON to send to the client, unchanged from the upstream
 * @param text the assistant's text (for /generate and the response length metric)
 * @param usage the reported usage, or {@code null} when the backend reported none
 * @param finishReason the finish reason, or {@code null}
 * @param producedChars characters of everything the model produced (text, refusal, reasoning, tool calls), for estimates
 * @param responseId the answer's own {@code id} ({@code chatcmpl-...}, {@code resp_...}), or {@code null}: spans and logs only
 * @param responseModel the model that answered as the answer names it (e.g. a dated snapshot), or {@code null}
 */
public record Completion(Buffer body, String text, Usage usage, String finishReason, long producedChars,
                         String responseId, String responseModel) {
    public Completion(Buffer body, String text, Usage usage, String finishReason, long producedChars) {
        this(body, text, usage, finishReason, producedChars, null, null);
    }

    /** A completion whose only product is {@code text}. */
    public Completion(Buffer body, String text, Usage usage, String finishReason) {
        this(body, text, usage, finishReason, text.length());
    }

    /** This completion with the answer's id and model. */
    public Completion withResponse(String id, String model) {
        return new Completion(body, text, usage, finishReason, producedChars, id, model);
    }
}
