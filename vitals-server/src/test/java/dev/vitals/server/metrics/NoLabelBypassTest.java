package dev.vitals.server.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The raw path to a labelled series is unreachable: outside {@code dev.vitals.labels}, no main source
 * of vitals-core or vitals-server calls client_java's {@code labelValues(...)}, and every builder that
 * declares {@code labelNames(...)} is handed to {@code MetricFamilies} (which returns a family that only
 * makes series through the label policy, the caps and the global budget). A new family written the old
 * way fails this test.
 */
class NoLabelBypassTest {
    private static final List<Path> ROOTS = List.of(Path.of("src/main/java"), Path.of("../vitals-core/src/main/java"));

    @Test
    void noMainSourceMakesALabelledSeriesOutsideMetricFamilies() throws IOException {
        List<String> bypasses = new ArrayList<>();
        int scanned = 0;
        for (Path root : ROOTS) {
            try (Stream<Path> files = Files.walk(root)) {
                for (Path f : files.filter(p -> p.toString().endsWith(".java")).toList()) {
                    if (f.toString().replace('\\', '/').contains("/dev/vitals/labels/")) {
                        continue; // the component itself
                    }
                    scanned++;
                    String src = stripComments(Files.readString(f));
                    if (src.contains(".labelValues(")) {
                        bypasses.add(f + ": calls labelValues(...) directly");
                    }
                    int i = -1;
                    while ((i = src.indexOf(".labelNames(", i + 1)) >= 0) {
                        String statement = statementAround(src, i);
                        if (!statement.contains("families.") && !statement.contains("MetricFamilies.of(")) {
                            bypasses.add(f + ": a labelled builder not handed to MetricFamilies: "
                                    + statement.strip().replaceAll("\\s+", " "));
                        }
                    }
                }
            }
        }
        assertThat(scanned).as("sources scanned").isGreaterThan(100);
        assertThat(bypasses).isEmpty();
    }

    /** From the end of the previous statement or block opening to this statement's end. */
    private static String statementAround(String src, int at) {
        int start = Math.max(src.lastIndexOf(';', at), Math.max(src.lastIndexOf('{', at), src.lastIndexOf('}', at)));
        // a builder passed inside a lambda or call spans braces: widen to the enclosing statement start
        int depth = 0;
        int s = at;
        while (s > 0) {
            char c = src.charAt(s - 1);
            if (c == ')') {
                depth++;
            } else if (c == '(') {
                if (depth == 0) {
                    s--;
                    continue;
                }
                depth--;
            } else if ((c == ';' || c == '{' || c == '}') && depth == 0) {
                break;
            }
            s--;
        }
        int end = src.indexOf(';', at);
        return src.substring(Math.min(start + 1, s), end < 0 ? src.length() : end);
    }

    private static String stripComments(String src) {
        return src.replaceAll("(?s)/\\*.*?\\*/", "").replaceAll("//[^\\n]*", "");
    }
}
