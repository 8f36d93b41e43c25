package dev.vitals.server.cost;

import dev.vitals.gpu.GpuMetrics;
import dev.vitals.llm.CallListener;
import dev.vitals.llm.LlmCall;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.store.StateStore;
import dev.vitals.system.SystemMetrics;
import io.prometheus.metrics.core.metrics.CounterWithCallback;
import io.prometheus.metrics.core.metrics.GaugeWithCallback;
import io.prometheus.metrics.model.registry.PrometheusRegistry;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.YearMonth;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.function.LongSupplier;

/**
 * Cost beyond tokens: compute cost (the process's CPU-seconds × {@code pricing.cpuCoreHourUsd} / 3600
 * plus GPU-seconds × {@code pricing.gpuHourUsd} / 3600) as {@code vitals_compute_cost_usd_total}, and
 * monthly budgets per model ({@code pricing.modelBudgetsUsd}, calendar month in UTC) as
 * {@code vitals_model_budget_usd}, {@code vitals_model_spend_month_usd} and
 * {@code vitals_model_budget_remaining_usd}. The month's spend is saved in the state store, so a
 * restart keeps counting. Cost per query including compute is the recording rule
 * {@code model_name:llm_cost_usd_per_query_with_compute:rate5m}.
 */
public final class CostService implements CallListener {
    static final String BLOB = "budgets.v1";
    private final Map<String, Double> budgets;
    /** This month's spend per model: the fleet's stored sum as last read plus what this replica has not flushed. */
    private final Map<String, DoubleAdder> spend = new ConcurrentHashMap<>();
    private final Map<String, DoubleAdder> unflushed = new ConcurrentHashMap<>();
    private dev.vitals.server.store.GroupCommitter writer;
    private String replica = "local";
    private final LongSupplier clock;
    private final StateStore store;
    private volatile YearMonth month;

    public CostService(VitalsConfig.Pricing cfg, StateStore store, PrometheusRegistry registry, SystemMetrics system, GpuMetrics gpu,
                LongSupplier clock) {
        this.budgets = Map.copyOf(cfg.modelBudgetsUsd);
        this.clock = clock;
        this.store = store;
        this.month = monthOf(clock.getAsLong());
        budgets.keySet().forEach(m -> {
            spend.put(m, new DoubleAdder());
            unflushed.put(m, new DoubleAdder());
        });
        double cpu = cfg.cpuCoreHourUsd / 3600;
        double gpuPrice = cfg.gpuHourUsd / 3600;
        CounterWithCallback.builder().name("vitals_compute_cost_usd_total")
                .help("Compute cost of the server: process CPU-seconds and GPU-seconds at pricing.cpuCoreHourUsd and pricing.gpuHourUsd.")
                .callback(cb -> {
                    double cpuSeconds = system == null ? 0 : system.snapshot().processCpuSeconds();
                    double gpuSeconds = gpu == null ? 0 : gpu.busySeconds();
                    cb.call((Double.isFinite(cpuSeconds) ? cpuSeconds : 0) * cpu + gpuSeconds * gpuPrice);
                }).register(registry);
        dev.vitals.labels.MetricFamilies families = dev.vitals.labels.MetricFamilies.of(registry);
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_model_budget_usd").help("Monthly budget of a model (pricing.modelBudgetsUsd).")
                .labelNames("model"), cb -> budgets.forEach((m, b) -> cb.call(b, m)));
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_model_spend_month_usd").help("USD a model with a budget spent this calendar month (UTC).")
                .labelNames("model"), cb -> {
                    rollOver();
                    spend.forEach((m, s) -> cb.call(s.sum(), m));
                });
        families.gaugeWithCallback(GaugeWithCallback.builder().name("vitals_model_budget_remaining_usd").help("USD left of a model's monthly budget.")
                .labelNames("model"), cb -> {
                    rollOver();
                    spend.forEach((m, s) -> cb.call(budgets.get(m) - s.sum(), m));
                });
    }

    private static YearMonth monthOf(long millis) {
        return YearMonth.from(Instant.ofEpochMilli(millis).atZone(ZoneOffset.UTC));
    }

    private void rollOver() {
        YearMonth now = monthOf(clock.getAsLong());
        if (!now.equals(month)) {
            synchronized (this) {
                if (!now.equals(month)) {
                    spend.values().forEach(DoubleAdder::reset);
                    unflushed.values().forEach(DoubleAdder::reset);
                    legacy.clear();
                    month = now;
                }
            }
        }
    }

    @Override
    public void onCall(LlmCall c) {
        DoubleAdder s = spend.get(c.model());
        if (s != null && c.priced()) {
            rollOver();
            s.add(c.costUsd());
            unflushed.get(c.model()).add(c.costUsd());
        }
    }

    /** Writes model spend through the store's group commits into this replica's spend rows (summed for the fleet). */
    public synchronized void durable(dev.vitals.server.store.GroupCommitter writer, String replica) {
        this.writer = writer;
        this.replica = replica == null ? "local" : replica;
        restoreRows();
    }

    /**
     * Adds this replica's unflushed spend to its row of the month, then reads the fleet's sums back;
     * blocking, run with the call rows (store.callFlushMillis).
     */
    public synchronized void flushSpend() {
        if (budgets.isEmpty() || writer == null) {
            return;
        }
        rollOver();
        String period = month.toString();
        Map<String, Double> delta = new java.util.HashMap<>();
        unflushed.forEach((m, a) -> {
            double d = a.sumThenReset();
            if (d > 0) {
                delta.put(m, d);
            }
        });
        if (delta.isEmpty()) {
            return;
        }
        try {
            writer.write(tx -> {
                tx.addSpend(replica, "model", period, delta);
                return null;
            }, null);
        } catch (RuntimeException e) {
            delta.forEach((m, d) -> unflushed.get(m).add(d)); // again at the next flush
            throw e;
        }
        restoreRows();
    }

    /** spend = the fleet's stored sum of the month + what is not flushed yet. */
    private void restoreRows() {
        Map<String, Double> rows = store.spendTotals("model", month.toString());
        spend.forEach((m, a) -> {
            double target = rows.getOrDefault(m, 0.0) + unflushed.get(m).sum() + legacy.getOrDefault(m, 0.0);
            a.add(target - a.sum());
        });
    }

    /** This month's spend from the blob of older versions, counted once on top of the rows. */
    private final Map<String, Double> legacy = new ConcurrentHashMap<>();

    /** Saves this month's spend (without spend rows: with them, {@link #flushSpend} stores it); blocking. */
    public void save() {
        if (budgets.isEmpty() || writer != null) {
            return;
        }
        JsonObject o = new JsonObject().put("month", month.toString());
        JsonObject s = new JsonObject();
        spend.forEach((m, a) -> s.put(m, a.sum()));
        store.putBlob(BLOB, o.put("spend", s).encode().getBytes(StandardCharsets.UTF_8));
    }

    /** Restores this month's spend (an older version's blob, then the spend rows); blocking, once, before the server serves. */
    public synchronized void restore() {
        restoreBlob();
        if (writer != null) {
            restoreRows();
        }
    }

    private void restoreBlob() {
        byte[] b = store.getBlob(BLOB);
        if (b == null) {
            return;
        }
        try {
            JsonObject o = new JsonObject(new String(b, StandardCharsets.UTF_8));
            if (!month.toString().equals(o.getString("month"))) {
                return; // last month's spend does not count against this month's budget
            }
            JsonObject s = o.getJsonObject("spend");
            s.fieldNames().forEach(m -> {
                DoubleAdder a = spend.get(m);
                if (a != null && s.getValue(m) instanceof Number n) {
                    a.add(n.doubleValue());
                    legacy.put(m, n.doubleValue());
                }
            });
        } catch (RuntimeException e) {
            // a damaged record starts the month's count afresh
        }
    }
}
