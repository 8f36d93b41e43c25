package dev.vitals.server.rules;

import java.util.List;

/**
 * Alerts on the scrape itself: without it every other alert is silently blind, and a gateway that
 * is down records no failed calls.
 */
final class TargetRules {
    private TargetRules() {
    }

    static RuleGroup group(RulesParams p) {
        String job = p.job();
        return new RuleGroup("vitals-targets", List.of(
                Rule.alert("VitalsDown")
                        .expr("absent(up{job=\"" + job + "\"} == 1)")
                        .forDuration("5m").severity("page").label("category", "availability").label("job", job)
                        .summary("No Vitals instance of job " + job + " can be scraped")
                        .description("Prometheus has had no successful scrape of job " + job + " for 5 minutes: the gateway"
                                + " is down or unreachable, and every other Vitals alert is blind.")
                        .runbook("Check the gateway's processes or pods and their logs, then the scrape itself"
                                + " (Prometheus > Status > Targets: address, auth of /metrics, TLS).")
                        .build(),
                Rule.alert("VitalsTargetDown")
                        .expr("up{job=\"" + job + "\"} == 0")
                        .forDuration("10m").severity("ticket").label("category", "availability")
                        .summary("Vitals instance {{ $labels.instance }} cannot be scraped")
                        .description("Scrapes of {{ $labels.instance }} (job {{ $labels.job }}) have failed for 10 minutes;"
                                + " the other replicas still serve, but this one's calls are not measured.")
                        .runbook("Open Prometheus > Status > Targets for the scrape error, then the instance's health"
                                + " (GET /health) and logs.")
                        .build()));
    }
}
