package dev.vitals.quality;

import com.fasterxml.jackson.annotation.JsonValue;
import dev.vitals.internal.WireNames;

/** The type of a quality score's values; fixed per (name, source) for a model's lifetime. */
public enum ScoreKind {
    /** A finite number, summarised by count, mean, min and max. */
    NUMERIC("numeric"),
    /** true or false, summarised by the share of {@code true}. */
    BOOLEAN("boolean"),
    /** A string value, summarised by counts per value. */
    CATEGORICAL("categorical");

    private final String wireName;

    ScoreKind(String wireName) {
        this.wireName = wireName;
    }

    /** {@code numeric}, {@code boolean} or {@code categorical}. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The kind with this wire name; fails with the accepted names otherwise. */
    public static ScoreKind parse(String wireName) {
        return WireNames.parse(values(), ScoreKind::wireName, wireName, "score kind");
    }
}
