package dev.vitals.quality;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/** The reference values of {@code src/test/python/gen_quality_golden.py}. */
final class Golden {
    static final JsonNode ROOT = load();

    private Golden() {
    }

    private static JsonNode load() {
        try (InputStream in = Golden.class.getResourceAsStream("/golden/quality.json")) {
            return new ObjectMapper().readTree(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static JsonNode cases(String section) {
        return ROOT.get(section);
    }

    /** A golden number; null (sklearn's nan or undefined) reads as NaN. */
    static double num(JsonNode n) {
        return n == null || n.isNull() ? Double.NaN : n.asDouble();
    }

    static List<String> strings(JsonNode a) {
        List<String> out = new ArrayList<>();
        a.forEach(x -> out.add(x.asText()));
        return out;
    }

    static double[] doubles(JsonNode a) {
        double[] out = new double[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asDouble();
        }
        return out;
    }

    /** Equal within 1e-9, relative for magnitudes above 1; NaN equals NaN. */
    static void assertClose(String what, double actual, double expected) {
        if (Double.isNaN(expected)) {
            assertThat(actual).as(what).isNaN();
            return;
        }
        double tolerance = 1e-9 * Math.max(1, Math.abs(expected));
        assertThat(Math.abs(actual - expected)).as(what + ": " + actual + " vs " + expected).isLessThanOrEqualTo(tolerance);
    }

    /** Equal within a relative 1e-9 even for tiny values (BLEU without smoothing goes down to 1e-232). */
    static void assertRelative(String what, double actual, double expected) {
        assertThat(Math.abs(actual - expected)).as(what + ": " + actual + " vs " + expected)
                .isLessThanOrEqualTo(1e-9 * Math.abs(expected));
    }
}
