package dev.vitals.server.gateway;

/** Token usage of one call as a backend reported it (or as estimated, see {@link Tokens}). */
public record Usage(long promptTokens, long completionTokens, long cachedTokens) {
}
