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

    static final String COVERAGE = "model:vitals_label_coverage:max";
    static final String COVERAGE_1W = "model:vitals_label_coverage:avg_over_time_1w";
    /** Predictions in the coverage window before a model's coverage is judged: fewer move by chance. */
    static final int COVERAGE_MIN_PREDICTIONS = 100;
    /** Points below its weekly average at which a model's label coverage alerts. */
    static final double COVERAGE_DROP = 0.25;

    /** Values both drift windows need before the alert may fire: the server's default {@code drift.minCount}. */
    static final int DRIFT_MIN_SAMPLES = 30;

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
        qualityFamilies(p, r);
        labelCoverage(r);
        r.add(Rule.alert("VitalsDriftDetected")
                .expr("max by (model, feature) (vitals_drift_detected) == 1 and on (model, feature) "
                        + "min by (model, feature) (vitals_drift_samples) >= " + DRIFT_MIN_SAMPLES)
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

    /**
     * Delayed ground truth that stops arriving: label coverage judged against the model's own weekly average, since a
     * model whose labels take days always has a low coverage (replicas report the same store: max, not sum).
     */
    private static void labelCoverage(List<Rule> r) {
        r.add(Rule.record(COVERAGE, "max by (model) (vitals_label_coverage_ratio) and on (model) "
                + "(max by (model) (vitals_label_coverage_predictions) >= " + COVERAGE_MIN_PREDICTIONS + ")"));
        r.add(Rule.record(COVERAGE_1W, "avg_over_time(" + COVERAGE + "[1w])"));
        String points = Promql.percent(COVERAGE_DROP);
        r.add(Rule.alert("VitalsLabelCoverageDrop")
                .expr(COVERAGE_1W + " - " + COVERAGE + " > " + Promql.num(COVERAGE_DROP))
                .forDuration("6h").severity("ticket").label("category", "quality")
                .summary("Label coverage of {{ $labels.model }} fell {{ $value | humanizePercentage }} below its weekly average")
                .description("For 6 hours the share of {{ $labels.model }}'s predictions that have their actual is"
                        + " {{ $value | humanizePercentage }} (percentage points) below its 1-week average (alerts beyond " + points
                        + " points, with at least " + COVERAGE_MIN_PREDICTIONS + " predictions in the window): ground truth stopped"
                        + " arriving or arrives later, and the quality numbers cover fewer predictions.")
                .runbook("Check the job that posts {{ $labels.model }}'s actuals to /v1/actuals: vitals_actuals_total{outcome=\"expired\"}"
                        + " or vitals_actuals_pending growing means its ids no longer match the predictions'; GET /v1/quality?model="
                        + "{{ $labels.model }} shows label_coverage and its delay.")
                .build());
    }

    /** {@code model:vitals_quality_<m>_1h:avg} and its 1-week average, by model (and score name for score means). */
    private static String[] recordPair(List<Rule> r, String metric, String by) {
        String h = "model:vitals_quality_" + metric + "_1h:avg";
        String w = "model:vitals_quality_" + metric + "_1h:avg_over_time_1w";
        r.add(Rule.record(h, "avg by (" + by + ") (vitals_quality_" + metric + "{window=\"1h\"})"));
        r.add(Rule.record(w, "avg_over_time(" + h + "[1w])"));
        return new String[] {h, w};
    }

    /**
     * Quality drops beyond accuracy, one alert per family: classification (macro F1, ROC AUC: points below the
     * weekly average), regression (R² points below it, or RMSE relatively above it) and LLM scores (hallucination
     * and safety-flag rates points above it, or a score's mean relatively below it; scores are taken as higher is
     * better). Each fires after 30 minutes; the value is how far the worst metric moved.
     */
    private static void qualityFamilies(RulesParams p, List<Rule> r) {
        String drop = Promql.num(p.qualityDrop());
        String up = Promql.num(1 + p.qualityDrop());
        String down = Promql.num(1 - p.qualityDrop());
        String points = Promql.percent(p.qualityDrop());
        String[] f1 = recordPair(r, "f1_macro", "model");
        String[] auc = recordPair(r, "roc_auc", "model");
        String[] r2 = recordPair(r, "r2", "model");
        String[] rmse = recordPair(r, "rmse", "model");
        String[] hall = recordPair(r, "hallucination_rate", "model");
        String[] safety = recordPair(r, "safety_flag_rate", "model");
        String[] score = recordPair(r, "score_mean", "model, name");
        r.add(Rule.alert("VitalsClassificationQualityDrop")
                .expr("(" + f1[1] + " - " + f1[0] + " > " + drop + ") or (" + auc[1] + " - " + auc[0] + " > " + drop + ")")
                .forDuration("30m").severity("page").label("category", "quality")
                .summary("Macro F1 or ROC AUC of {{ $labels.model }} dropped {{ $value | humanizePercentage }} below its weekly average")
                .description("The 1-hour macro F1 or ROC AUC of {{ $labels.model }} is {{ $value | humanizePercentage }} (percentage"
                        + " points) below its 1-week average for 30 minutes (alerts beyond " + points + " points).")
                .runbook("Look at the per-class report (GET /v1/quality?model={{ $labels.model }}): one class collapsing points at"
                        + " new inputs (vitals_drift_detected), all of them at the model or prompt; roll back the last change first.")
                .build());
        r.add(Rule.alert("VitalsRegressionQualityDrop")
                .expr("(" + r2[1] + " - " + r2[0] + " > " + drop + ") or (" + rmse[0] + " / " + rmse[1] + " > " + up + ")")
                .forDuration("30m").severity("page").label("category", "quality")
                .summary("Regression quality of {{ $labels.model }} dropped (R² drop or RMSE ratio: {{ $value | printf \"%.3f\" }})")
                .description("The 1-hour R² of {{ $labels.model }} is more than " + points + " points below its 1-week average,"
                        + " or its RMSE more than " + points + "% above it, for 30 minutes; the value is the R² drop or the RMSE ratio.")
                .runbook("Compare vitals_quality_rmse and vitals_quality_mae of {{ $labels.model }} with last week's; check"
                        + " vitals_drift_detected for shifted inputs and whether the actuals feed changed units or delay.")
                .build());
        r.add(Rule.alert("VitalsLlmQualityDrop")
                .expr("(" + hall[0] + " - " + hall[1] + " > " + drop + ") or (" + safety[0] + " - " + safety[1] + " > " + drop
                        + ") or (" + score[0] + " < " + down + " * " + score[1] + ")")
                .forDuration("30m").severity("page").label("category", "quality")
                .summary("LLM quality of {{ $labels.model }} dropped{{ if $labels.name }} (score {{ $labels.name }}){{ end }}")
                .description("For 30 minutes the 1-hour hallucination or safety-flag rate of {{ $labels.model }} is more than "
                        + points + " points above its 1-week average, or a score's mean more than " + points + "% below it"
                        + " (value {{ $value | printf \"%.3f\" }}).")
                .runbook("Open GET /v1/quality?model={{ $labels.model }} for the scores and their sources; read a sample of"
                        + " recent low-scored answers, check the prompt template and model version, and roll back the last change first.")
                .build());
    }
}
