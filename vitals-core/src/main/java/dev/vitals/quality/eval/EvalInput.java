package dev.vitals.quality.eval;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What the evaluators read of one call, in memory only: never stored or logged.
 *
 * @param prompt the request's message text joined (may be empty)
 * @param response the assistant's text
 * @param context the context the request itself carried (retrieved documents, a system message), or {@code null}
 * @param responseFormat the request's {@code response_format} object, or {@code null} when none was asked for
 */
public record EvalInput(String prompt, String response, String context, JsonNode responseFormat) {
    public EvalInput {
        prompt = prompt == null ? "" : prompt;
        response = response == null ? "" : response;
    }

    /** An input with a prompt and a response only. */
    public static EvalInput of(String prompt, String response) {
        return new EvalInput(prompt, response, null, null);
    }
}
