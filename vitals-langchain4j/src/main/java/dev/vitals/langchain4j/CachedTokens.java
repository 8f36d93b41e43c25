package dev.vitals.langchain4j;

import dev.langchain4j.model.output.TokenUsage;

/** Cached prompt tokens, where the provider's usage type reports them (LangChain4j's core type does not). */
final class CachedTokens {
    private static final boolean OPENAI = present("dev.langchain4j.model.openai.OpenAiTokenUsage");

    private CachedTokens() {
    }

    static long of(TokenUsage usage) {
        return OPENAI ? OpenAi.cached(usage) : 0;
    }

    private static boolean present(String className) {
        try {
            Class.forName(className, false, CachedTokens.class.getClassLoader());
            return true;
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }

    /** Loaded only when langchain4j-open-ai is on the class path. */
    private static final class OpenAi {
        static long cached(TokenUsage usage) {
            if (usage instanceof dev.langchain4j.model.openai.OpenAiTokenUsage u
                    && u.inputTokensDetails() != null && u.inputTokensDetails().cachedTokens() != null) {
                return Math.max(0, u.inputTokensDetails().cachedTokens());
            }
            return 0;
        }
    }
}
