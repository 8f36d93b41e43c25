package dev.vitals.server.rules;

import java.util.ArrayList;
import java.util.List;

/**
 * Spend alerts: the fleet's spend rate (all models and replicas together) against a monthly budget,
 * as burn rates over two windows like the SLO alerts, and gateway API keys about to run dry.
 */
final class CostRules {
    /** Seconds in the 30-day month the budget is for. */
    static final long MONTH_SECONDS = 30L * 24 * 3600;

    private CostRules() {
    }

    /** Projected monthly spend over {@code w} divided by the budget. */
    static String burn(String w, String budget) {
        return "sum(rate(llm_cost_usd_total[" + w + "])) * " + MONTH_SECONDS + " / " + budget;
    }

    static RuleGroup group(RulesParams p) {
        String budget = Promql.num(p.monthlyBudgetUsd());
        List<Rule> r = new ArrayList<>();
        r.add(Rule.alert("VitalsCostBudgetFastBurn")
                .expr(burn("1h", budget) + " > 14.4\nand\n" + burn("5m", budget) + " > 14.4")
                .forDuration("5m").severity("page").label("category", "cost")
                .summary("LLM spend is running away: {{ $value | humanize }}x the monthly budget's pace")
                .description("Over the last hour (and still over the last 5 minutes) all models together spend at"
                        + " {{ $value | humanize }}x the rate that would use the $" + budget + " monthly budget in 30 days;"
                        + " at 14.4x the month's budget is gone in about 2 days.")
                .runbook("Find who spends: sum by (model_name) (rate(llm_cost_usd_total[5m])) and vitals_api_key_spent_usd by key;"
                        + " look for a retry loop or runaway agent (llm_requests_total, llm_output_tokens_total per call),"
                        + " then revoke or limit the key (POST /admin/keys) or lower its budget.")
                .build());
        r.add(Rule.alert("VitalsCostBudgetSlowBurn")
                .expr(burn("1d", budget) + " > 1\nand\n" + burn("2h", budget) + " > 1")
                .forDuration("1h").severity("ticket").label("category", "cost")
                .summary("LLM spend is on course to exceed the monthly budget ({{ $value | humanize }}x its pace)")
                .description("Over the last day (and still over the last 2 hours) all models together spend at"
                        + " {{ $value | humanize }}x the rate that would use the $" + budget + " monthly budget in 30 days.")
                .runbook("Compare cost per model and per key with last week on the Vitals dashboard; check whether a new"
                        + " client, longer prompts (llm_input_tokens_total) or a pricier model explain it, and adjust the"
                        + " budget (vitals rules --monthly-budget) if the growth is wanted.")
                .build());
        r.add(Rule.alert("VitalsApiKeyBudgetLow")
                .expr("min by (key) (vitals_api_key_budget_remaining_usd)\n"
                        + "< on (key)\n0.1 * 86400 * max by (key) (deriv(vitals_api_key_spent_usd[1h]))\n"
                        + "and on (key)\nmax by (key) (deriv(vitals_api_key_spent_usd[1h])) > 0")
                .forDuration("10m").severity("ticket").label("category", "cost")
                .summary("API key {{ $labels.key }} will run out of budget within hours")
                .description("API key {{ $labels.key }} has ${{ $value | humanize }} left, less than 10% of what it spends"
                        + " in a day at its rate over the last hour; when it reaches zero its calls are refused"
                        + " (budget_exceeded).")
                .runbook("Ask the key's owner whether the spend is expected; raise its budget (or create a new key) if so,"
                        + " otherwise look at its traffic in vitals_auth_refusals_total and the gateway logs.")
                .build());
        r.add(Rule.alert("VitalsModelBudgetLow")
                .expr("min by (model) (vitals_model_budget_remaining_usd)\n< 0.1 * min by (model) (vitals_model_budget_usd)")
                .forDuration("10m").severity("ticket").label("category", "cost")
                .summary("Model {{ $labels.model }} has used over 90% of its monthly budget")
                .description("Model {{ $labels.model }} has ${{ $value | humanize }} left of its monthly budget"
                        + " (pricing.modelBudgetsUsd); the budget resets on the 1st (UTC).")
                .runbook("Check the model's spend per key and per client (vitals_api_key_spent_usd, llm_cost_usd_total);"
                        + " raise the budget if the growth is wanted, else move traffic to a cheaper model.")
                .build());
        return new RuleGroup("vitals-cost-alerts", r);
    }
}
