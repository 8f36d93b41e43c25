package dev.vitals.server.rules;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/**
 * Service level indicators over the windows of the Google SRE workbook's multi-window,
 * multi-burn-rate alerts, and those alerts for availability and latency. A burn rate of 1 spends
 * exactly the 30-day error budget in 30 days; pages need the budget burning fast over a long window
 * and, still now, over a short one (so they stop soon after the problem does).
 */
final class SloRules {
    /** long window, short window, burn factor. */
    record Burn(String longWindow, String shortWindow, String factor) {
    }

    static final List<Burn> PAGE = List.of(new Burn("1h", "5m", "14.4"), new Burn("6h", "30m", "6"));
    static final List<Burn> TICKET = List.of(new Burn("1d", "2h", "3"), new Burn("3d", "6h", "1"));
    static final List<String> WINDOWS = List.of("5m", "30m", "1h", "2h", "6h", "1d", "3d");

    private SloRules() {
    }

    static String requests(String w) {
        return "model_name:llm_requests:rate" + w;
    }

    static String errors(String w) {
        return "model_name:llm_request_errors:ratio_rate" + w;
    }

    static String slow(String w) {
        return "model_name:llm_request_slow:ratio_rate" + w;
    }

    static String errorRatio(String w) {
        return "sum by (model_name) (rate(llm_requests_total{status=\"failure\"}[" + w + "]))\n/\n"
                + "sum by (model_name) (rate(llm_requests_total[" + w + "]))";
    }

    /** The SLIs; the 5-minute request rate and error ratio live in the golden signals. */
    static RuleGroup sliGroup(RulesParams p) {
        List<Rule> r = new ArrayList<>();
        String le = Promql.le(p.latencyThresholdSeconds());
        for (String w : WINDOWS) {
            if (!w.equals("5m")) {
                r.add(Rule.record(requests(w), "sum by (model_name) (rate(llm_requests_total[" + w + "]))"));
                r.add(Rule.record(errors(w), errorRatio(w)));
            }
            r.add(Rule.record(slow(w),
                    "1 - (\n  sum by (model_name) (rate(llm_request_latency_seconds_bucket{" + le + "}[" + w + "]))\n"
                            + "  /\n  sum by (model_name) (rate(llm_request_latency_seconds_count[" + w + "]))\n)"));
        }
        return new RuleGroup("vitals-slo-sli", r);
    }

    static RuleGroup alertGroup(RulesParams p) {
        List<Rule> r = new ArrayList<>();
        String availBudget = Promql.budget(p.availabilityTarget());
        String availPct = Promql.percent(p.availabilityTarget());
        String latBudget = Promql.budget(p.latencyTarget());
        String latPct = Promql.percent(p.latencyTarget());
        String threshold = Promql.num(p.latencyThresholdSeconds());
        String min = Promql.num(p.minRequestRate());

        String availRunbook = "Look at llm_errors_total by error_type for {{ $labels.model_name }}: upstream_5xx, timeout,"
                + " connection and rate_limited point at the provider (status page, quotas, llm_fallbacks_total),"
                + " model_error and invalid_request at what clients send; then recent deploys and config changes.";
        String latRunbook = "Compare llm_upstream_latency_seconds with llm_gateway_overhead_seconds for {{ $labels.model_name }}:"
                + " upstream slow means the provider or longer outputs (llm_output_tokens_total), overhead means this"
                + " gateway (CPU, GC, event loop); then check for a traffic surge or a fallback to a slower backend.";

        Sli avail = new Sli("availability", SloRules::errors, availBudget, availRunbook);
        Sli lat = new Sli("latency", SloRules::slow, latBudget, latRunbook);
        String availBurns = "Failed calls of {{ $labels.model_name }} burn the 30-day error budget";
        String latBurns = "Calls of {{ $labels.model_name }} slower than " + threshold + " s burn the 30-day latency budget";
        r.add(alert("VitalsAvailabilityBudgetFastBurn", avail, PAGE, min,
                "{{ $labels.model_name }} is failing fast enough to threaten its " + availPct + "% availability SLO",
                availBurns + " (" + Promql.budgetPercent(p.availabilityTarget()) + "% of calls)",
                "; at 14.4x the whole month's budget is gone in about 2 days)."));
        r.add(alert("VitalsAvailabilityBudgetSlowBurn", avail, TICKET, min,
                "{{ $labels.model_name }} is slowly eating its " + availPct + "% availability error budget",
                availBurns, "): the SLO will be missed this month if nothing changes."));
        r.add(alert("VitalsLatencyBudgetFastBurn", lat, PAGE, min,
                "{{ $labels.model_name }} is too slow for its latency SLO (" + latPct + "% within " + threshold + " s)",
                latBurns, ")."));
        r.add(alert("VitalsLatencyBudgetSlowBurn", lat, TICKET, min,
                "{{ $labels.model_name }} is slowly eating its latency error budget (" + latPct + "% within " + threshold + " s)",
                latBurns, ")."));
        return new RuleGroup("vitals-slo-alerts", r);
    }

    /** One objective's alerts: its {@code slo} label, its indicator by window, its error budget and runbook. */
    private record Sli(String slo, Function<String, String> ratio, String budget, String runbook) {
    }

    /**
     * A burn-rate alert; the windows decide the rest: {@link #PAGE} pages after 2 minutes on models with traffic,
     * {@link #TICKET} opens a ticket after 15, and the description quotes the windows it alerts on.
     */
    private static Rule alert(String name, Sli sli, List<Burn> burns, String minRate, String summary, String burnsWhat,
                             String tail) {
        boolean page = burns == PAGE;
        List<String> windows = new ArrayList<>();
        for (Burn b : burns) {
            windows.add(b.factor() + "x over " + b.longWindow() + " confirmed over " + b.shortWindow());
        }
        return Rule.alert(name)
                .expr(burnExpr(burns, sli.ratio(), sli.budget(), page ? minRate : null))
                .forDuration(page ? "2m" : "15m").severity(page ? "page" : "ticket")
                .label("category", "slo").label("slo", sli.slo())
                .summary(summary)
                .description(burnsWhat + " {{ $value | humanize }}x faster than sustainable (" + (page ? "pages" : "tickets")
                        + " at " + String.join(", or ", windows) + tail)
                .runbook(sli.runbook()).build();
    }

    /**
     * {@code (long > f and short > f [and traffic]) or ...}, as burn rates (ratio / budget), so that
     * {@code $value} is the burn rate of the long window that fired.
     */
    static String burnExpr(List<Burn> burns, Function<String, String> sli, String budget, String minRate) {
        List<String> parts = new ArrayList<>();
        for (Burn b : burns) {
            StringBuilder s = new StringBuilder("(\n");
            s.append("  ").append(sli.apply(b.longWindow())).append(" / ").append(budget).append(" > ").append(b.factor()).append('\n');
            s.append("  and on (model_name)\n");
            s.append("  ").append(sli.apply(b.shortWindow())).append(" / ").append(budget).append(" > ").append(b.factor());
            if (minRate != null) {
                s.append("\n  and on (model_name)\n");
                s.append("  ").append(requests(b.longWindow())).append(" >= ").append(minRate);
            }
            parts.add(s.append("\n)").toString());
        }
        return String.join("\nor\n", parts);
    }
}
