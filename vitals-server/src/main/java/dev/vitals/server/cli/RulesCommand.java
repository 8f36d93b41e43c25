package dev.vitals.server.cli;

import dev.vitals.server.rules.RulesParams;
import dev.vitals.server.rules.VitalsRules;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code vitals rules}: writes the Prometheus recording and alerting rules. */
@Command(name = "rules", mixinStandardHelpOptions = true,
        description = "Write Vitals' Prometheus recording and alerting rules (vitals-rules.yml). Same options, same bytes.")
final class RulesCommand implements Callable<Integer> {
    @Option(names = "--out", defaultValue = "deploy/prometheus", description = "Directory to write vitals-rules.yml into (default: ${DEFAULT-VALUE}).")
    Path out;
    @Option(names = "--availability-slo", defaultValue = "" + RulesParams.DEFAULT_AVAILABILITY_TARGET,
            description = "Share of calls that must succeed over 30 days (default: ${DEFAULT-VALUE}).")
    double availability;
    @Option(names = "--latency-slo", defaultValue = "" + RulesParams.DEFAULT_LATENCY_TARGET,
            description = "Share of calls that must finish within --latency-threshold (default: ${DEFAULT-VALUE}).")
    double latency;
    @Option(names = "--latency-threshold", defaultValue = "" + RulesParams.DEFAULT_LATENCY_THRESHOLD_SECONDS,
            description = "Latency SLO threshold in seconds; a bucket bound of llm_request_latency_seconds (default: ${DEFAULT-VALUE}).")
    double threshold;
    @Option(names = "--monthly-budget", defaultValue = "" + RulesParams.DEFAULT_MONTHLY_BUDGET_USD,
            description = "USD all models may cost in a 30-day month (default: ${DEFAULT-VALUE}).")
    double budget;
    @Option(names = "--min-request-rate", defaultValue = "" + RulesParams.DEFAULT_MIN_REQUEST_RATE,
            description = "Requests/s a model needs before it can page or raise z-score alerts (default: ${DEFAULT-VALUE}).")
    double minRate;
    @Option(names = "--quality-drop", defaultValue = "" + RulesParams.DEFAULT_QUALITY_DROP,
            description = "Accuracy drop below the 1-week average that pages, as a share (default: ${DEFAULT-VALUE}).")
    double qualityDrop;
    @Option(names = "--job", defaultValue = RulesParams.DEFAULT_JOB,
            description = "Prometheus job name that scrapes Vitals (default: ${DEFAULT-VALUE}).")
    String job;

    @Override
    public Integer call() throws Exception {
        RulesParams p;
        try {
            p = new RulesParams(availability, latency, threshold, budget, minRate, qualityDrop, job);
        } catch (IllegalArgumentException e) {
            System.err.println("vitals rules: " + e.getMessage());
            return 2;
        }
        Path file = Generated.write(out, VitalsRules.FILE_NAME, VitalsRules.yaml(p));
        System.out.println("wrote " + file);
        return 0;
    }
}
