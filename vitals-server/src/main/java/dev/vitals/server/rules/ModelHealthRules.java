package dev.vitals.server.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Model behaviour: quality drops, data drift and Vitals' own anomaly detector. These are written
 * against the {@code vitals_quality_*}, {@code vitals_drift_*} and {@code vitals_anomaly_*} metrics
 * (labels {@code model}, {@code feature}, {@code signal}, {@code window}, {@code test}); until a
 * server exports them the rules evaluate to nothing and never fire.
 */
final class ModelHealthRules {
    static final String ACCURACY = "model:vitals_quality_accuracy_1h:avg";
    static final String ACCURACY_1W = "model:vitals_quality_accuracy_1h:avg_over_time_1w";

    private ModelHealthRules() {
    }

    static RuleGroup group(RulesParams p) {
        String drop = Promql.num(p.qualityDrop());
        String points = Promql.percent(p.qualityDrop());
        List<Rule> r = new ArrayList<>();
        r.add(Rule.record(ACCURACY, "avg by (model) (vitals_quality_accuracy{window=\"1h\"})"));
        r.add(Rule.record(ACCURACY_1W, "avg_over_time(" + ACCURACY + "[1w])"));
        r.add(Rule.alert("VitalsQualityDrop")
                .expr(ACCURACY_1W + " - " + ACCURACY + " > " + drop)
                .forDuration("30m").severity("page").label("category", "quality")
                .summary("Accuracy of {{ $labels.model }} dropped {{ $value | humanizePercentage }} below its weekly average")
                .description("The 1-hour accuracy of {{ $labels.model }} is {{ $value | humanizePercentage }} (percentage points)"
                        + " below its 1-week average for 30 minutes (alerts beyond " + points + " points).")
                .runbook("Check what changed for {{ $labels.model }}: model version or provider snapshot, prompt template,"
                        + " retrieval index; look at vitals_drift_detected for the same model, and roll back the last change first.")
                .build());
        r.add(Rule.alert("VitalsDriftDetected")
                .expr("max by (model, feature) (vitals_drift_detected) == 1")
                .forDuration("30m").severity("ticket").label("category", "drift")
                .summary("Input drift on {{ $labels.feature }} of {{ $labels.model }}")
                .description("Vitals' drift tests have flagged feature {{ $labels.feature }} of {{ $labels.model }} for 30 minutes;"
                        + " vitals_drift_score shows which test and how far.")
                .runbook("Compare the feature's recent distribution with the reference window (vitals_drift_score by test):"
                        + " new client, language, or prompt shape? Check vitals_quality_accuracy of the same model before acting.")
                .build());
        r.add(Rule.alert("VitalsAnomalyDetected")
                .expr("max by (model, signal) (vitals_anomaly_active) == 1")
                .forDuration("5m").severity("ticket").label("category", "anomaly")
                .summary("Vitals' detector flags {{ $labels.signal }} of {{ $labels.model }} as anomalous")
                .description("The in-process anomaly detector has flagged {{ $labels.signal }} of {{ $labels.model }} for"
                        + " 5 minutes; vitals_anomaly_zscore shows how far from its baseline it is.")
                .runbook("Plot vitals_anomaly_zscore{model=\"{{ $labels.model }}\"} with the signal itself on the Vitals dashboard"
                        + " and look for the change that started it (deploy, traffic source, provider incident).")
                .build());
        return new RuleGroup("vitals-model-health", r);
    }
}
