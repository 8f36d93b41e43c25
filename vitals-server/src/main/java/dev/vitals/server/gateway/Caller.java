package dev.vitals.server.gateway;

import dev.vitals.server.auth.ApiKeys;

/**
 * Who made a call through the HTTP API and what the request said about it, set once by the handler and
 * carried by the call to the finished-call listeners (a call Vitals makes itself, e.g. the judge's, has none).
 *
 * @param apiKey the gateway key that authorised it, or {@code null}
 * @param user the caller's user id (hashed by whoever keeps it, never stored raw), or {@code null}
 * @param session the caller's session id, or {@code null}
 * @param variant the A/B variant, or {@code null}
 * @param customLabels the values of {@code metrics.customLabels}, or {@code null} when none are configured
 */
public record Caller(ApiKeys.Key apiKey, String user, String session, String variant, String[] customLabels) {
}
