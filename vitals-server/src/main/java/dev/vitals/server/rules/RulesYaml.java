package dev.vitals.server.rules;

import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Writes rule groups as a Prometheus rule file: block YAML, multi-line expressions as literal blocks,
 * strings quoted only where YAML needs it. The same groups always give the same bytes.
 */
final class RulesYaml {
    private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_(][^\\n\\t]*");
    private static final Set<String> RESERVED = Set.of("true", "false", "yes", "no", "on", "off", "null", "y", "n", "~");

    private RulesYaml() {
    }

    static String write(List<String> headerComments, List<RuleGroup> groups) {
        StringBuilder sb = new StringBuilder();
        for (String c : headerComments) {
            sb.append(c.isEmpty() ? "#" : "# " + c).append('\n');
        }
        sb.append("groups:\n");
        for (RuleGroup g : groups) {
            sb.append("  - name: ").append(scalar(g.name())).append('\n');
            sb.append("    rules:\n");
            for (Rule r : g.rules()) {
                if (r.isAlert()) {
                    sb.append("      - alert: ").append(scalar(r.alert())).append('\n');
                } else {
                    sb.append("      - record: ").append(scalar(r.record())).append('\n');
                }
                field(sb, "        ", "expr", r.expr());
                if (r.forDuration() != null) {
                    sb.append("        for: ").append(scalar(r.forDuration())).append('\n');
                }
                map(sb, "labels", r.labels());
                map(sb, "annotations", r.annotations());
            }
        }
        return sb.toString();
    }

    private static void map(StringBuilder sb, String key, Map<String, String> m) {
        if (m.isEmpty()) {
            return;
        }
        sb.append("        ").append(key).append(":\n");
        // annotations are prose with template actions: always quoted, so they read alike
        m.forEach((k, v) -> sb.append("          ").append(k).append(": ")
                .append(key.equals("annotations") ? quoted(v) : scalar(v)).append('\n'));
    }

    private static void field(StringBuilder sb, String indent, String key, String value) {
        sb.append(indent).append(key).append(':');
        if (value.indexOf('\n') >= 0) {
            sb.append(" |-\n");
            for (String line : value.strip().split("\n", -1)) {
                String l = line.stripTrailing();
                if (!l.isEmpty()) {
                    sb.append(indent).append("  ").append(l);
                }
                sb.append('\n');
            }
        } else {
            sb.append(' ').append(scalar(value)).append('\n');
        }
    }

    /** A single-line YAML scalar: plain when that reads back as the same string, else double-quoted. */
    static String scalar(String s) {
        if (PLAIN.matcher(s).matches() && !s.endsWith(" ") && !s.contains(": ") && !s.contains(" #")
                && !s.endsWith(":") && !RESERVED.contains(s.toLowerCase(java.util.Locale.ROOT))
                && !looksNumeric(s)) {
            return s;
        }
        return quoted(s);
    }

    /** A double-quoted YAML scalar (JSON escapes are valid YAML escapes). */
    static String quoted(String s) {
        StringBuilder q = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> q.append("\\\"");
                case '\\' -> q.append("\\\\");
                case '\n' -> q.append("\\n");
                case '\t' -> q.append("\\t");
                default -> {
                    if (c < 0x20) {
                        q.append(String.format("\\u%04x", (int) c));
                    } else {
                        q.append(c);
                    }
                }
            }
        }
        return q.append('"').toString();
    }

    private static boolean looksNumeric(String s) {
        return s.matches("[-+]?(\\.[0-9]+|[0-9][0-9_]*(\\.[0-9]*)?)([eE][-+]?[0-9]+)?|0x[0-9a-fA-F]+|0o[0-7]+|[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)");
    }
}
