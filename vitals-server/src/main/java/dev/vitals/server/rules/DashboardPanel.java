package dev.vitals.server.rules;

import java.util.List;

/**
 * One Grafana panel of the Vitals dashboard.
 *
 * @param row the dashboard row (category) it sits in
 * @param type {@code timeseries} or {@code stat}
 * @param unit a Grafana unit id ({@code reqps}, {@code s}, {@code currencyUSD}, ...)
 * @param needs {@code null} when Vitals exports its metrics today; otherwise the metrics it waits for
 *        (e.g. {@code vitals_quality_*}), shown in the panel's description
 */
public record DashboardPanel(String row, String title, String type, String unit, String description,
                             List<Target> targets, String needs) {

    /** One query and its legend. */
    public record Target(String expr, String legend) {
    }

    public DashboardPanel {
        targets = List.copyOf(targets);
        if (!type.equals("timeseries") && !type.equals("stat")) {
            throw new IllegalArgumentException("panel type " + type);
        }
    }
}
