package dev.vitals.llm;

/**
 * A consumer of finished calls: metric families, the short-history sampler, and later drift,
 * business and state consumers. Called on the recording thread; implementations are thread-safe,
 * fast, and never throw (they count and drop instead).
 */
@FunctionalInterface
public interface CallListener {
    void onCall(LlmCall call);
}
