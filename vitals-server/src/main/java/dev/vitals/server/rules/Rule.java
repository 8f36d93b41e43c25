package dev.vitals.server.rules;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * One Prometheus rule: a recording rule ({@code record}) or an alerting rule ({@code alert}), with
 * labels and annotations in the order they were given.
 */
public record Rule(String record, String alert, String expr, String forDuration, Map<String, String> labels,
                   Map<String, String> annotations) {

    public Rule {
        if ((record == null) == (alert == null)) {
            throw new IllegalArgumentException("a rule is either a record or an alert");
        }
        Objects.requireNonNull(expr, "expr must not be null");
        labels = Collections.unmodifiableMap(new LinkedHashMap<>(labels));
        annotations = Collections.unmodifiableMap(new LinkedHashMap<>(annotations));
    }

    /** A recording rule. */
    static Rule record(String name, String expr) {
        return new Rule(name, null, expr, null, Map.of(), Map.of());
    }

    /** A recording rule with extra labels. */
    static Rule record(String name, String expr, Map<String, String> labels) {
        return new Rule(name, null, expr, null, new LinkedHashMap<>(labels), Map.of());
    }

    /** Starts an alerting rule. */
    static AlertBuilder alert(String name) {
        return new AlertBuilder(name);
    }

    public boolean isAlert() {
        return alert != null;
    }

    /** The record or alert name. */
    public String name() {
        return alert != null ? alert : record;
    }

    /** Builds an alert that always has severity, summary, description and runbook. */
    static final class AlertBuilder {
        /** The annotations every alert has, in the order they are written. */
        private static final List<String> ANNOTATIONS = List.of("summary", "description", "runbook");
        private final String name;
        private String expr;
        private String forDuration;
        private final Map<String, String> labels = new LinkedHashMap<>();
        private final Map<String, String> annotations = new HashMap<>();

        private AlertBuilder(String name) {
            this.name = name;
        }

        AlertBuilder expr(String expr) {
            this.expr = expr;
            return this;
        }

        AlertBuilder forDuration(String d) {
            this.forDuration = d;
            return this;
        }

        /** {@code page} (wake someone) or {@code ticket} (next working day). */
        AlertBuilder severity(String s) {
            if (!s.equals("page") && !s.equals("ticket")) {
                throw new IllegalArgumentException("severity must be page or ticket");
            }
            labels.put("severity", s);
            return this;
        }

        AlertBuilder label(String k, String v) {
            labels.put(k, v);
            return this;
        }

        AlertBuilder summary(String s) {
            return annotation("summary", s);
        }

        AlertBuilder description(String s) {
            return annotation("description", s);
        }

        AlertBuilder runbook(String s) {
            return annotation("runbook", s);
        }

        private AlertBuilder annotation(String key, String value) {
            annotations.put(key, value);
            return this;
        }

        Rule build() {
            if (expr == null || forDuration == null || !labels.containsKey("severity")
                    || !ANNOTATIONS.stream().allMatch(k -> annotations.get(k) != null)) {
                throw new IllegalStateException("alert " + name + " needs expr, for, severity, summary, description and runbook");
            }
            Map<String, String> ann = new LinkedHashMap<>();
            ANNOTATIONS.forEach(k -> ann.put(k, annotations.get(k)));
            return new Rule(null, name, expr, forDuration, labels, ann);
        }
    }
}
