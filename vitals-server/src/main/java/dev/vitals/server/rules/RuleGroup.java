package dev.vitals.server.rules;

import java.util.List;

/** A Prometheus rule group: its rules are evaluated in order, at the global evaluation interval. */
public record RuleGroup(String name, List<Rule> rules) {
    public RuleGroup {
        rules = List.copyOf(rules);
    }
}
