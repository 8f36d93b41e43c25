package dev.vitals.labels;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** Reads a test corpus: one value per line; blank lines and {@code #} comments skipped. */
final class Corpus {
    /** One value, with the kind named by the last {@code # kind: K} line above it (or null). */
    record Entry(int line, String value, String kind) {
        @Override
        public String toString() {
            return "line " + line + ": " + value;
        }
    }

    private Corpus() {
    }

    static List<Entry> read(String resource) {
        List<Entry> out = new ArrayList<>();
        try (InputStream in = Corpus.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing test resource " + resource);
            }
            BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String kind = null;
            String line;
            int n = 0;
            while ((line = r.readLine()) != null) {
                n++;
                if (line.startsWith("# kind:")) {
                    kind = line.substring("# kind:".length()).trim();
                } else if (!line.isEmpty() && !line.startsWith("#")) {
                    out.add(new Entry(n, line, kind));
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }
}
