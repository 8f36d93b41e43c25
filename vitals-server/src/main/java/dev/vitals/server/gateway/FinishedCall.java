package dev.vitals.server.gateway;

import dev.vitals.llm.LlmCall;

/**
 * What a finished-call listener sees: the recorded call and what it needs beyond it.
 *
 * @param call the immutable record (tokens, cost, latency, outcome)
 * @param caller who made it (never null here: listeners see only the HTTP API's calls)
 * @param model the model the request asked for
 * @param startNanos the call's start ({@link System#nanoTime}), for time to value
 * @param promptText the prompt's text, for the drift profile's sizes only (never kept)
 * @param messageCount the request's messages
 * @param finishReason the backend's finish reason, or {@code null}
 */
public record FinishedCall(LlmCall call, Caller caller, String model, long startNanos, String promptText, int messageCount,
                           String finishReason) {
}
