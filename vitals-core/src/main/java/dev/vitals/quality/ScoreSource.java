package dev.vitals.quality;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.vitals.internal.WireNames;

/** Who produced a quality score. Serialized by its wire name. */
public enum ScoreSource {
    /** A person's rating. */
    HUMAN("human"),
    /** Another model acting as a judge. */
    LLM_JUDGE("llm_judge"),
    /** A deterministic check in code (a regex, a schema validator, a classifier). */
    CODE("code");

    private final String wireName;

    ScoreSource(String wireName) {
        this.wireName = wireName;
    }

    /** {@code human}, {@code llm_judge} or {@code code}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The source with this wire name; fails with the accepted names otherwise. */
    public static ScoreSource parse(String wireName) {
        return WireNames.parse(values(), ScoreSource::wireName, wireName, "score source");
    }
}
