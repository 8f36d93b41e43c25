package dev.vitals.server.state;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A bounded history of named series for the dashboard: one point per {@link #record} (the quality and
 * drift services take one a minute), at most {@code capacity} points × {@code maxSeries} series
 * (1,440 × 200 doubles = 2.3 MB); series past the cap are not kept. Series names start with the model
 * and a space, so one model's series can be selected. Synchronized.
 */
public final class HistoryRing {
    private final int capacity;
    private final int maxSeries;
    private final long[] times;
    private final Map<String, double[]> series = new LinkedHashMap<>();
    private int next;
    private int size;

    public HistoryRing(int capacity, int maxSeries) {
        this.capacity = capacity;
        this.maxSeries = maxSeries;
        this.times = new long[capacity];
    }

    /** Adds one point at {@code nowMillis}: the given values; every other series gets a gap. */
    public synchronized void record(long nowMillis, Map<String, Double> point) {
        int slot = next;
        times[slot] = nowMillis;
        series.values().forEach(r -> r[slot] = Double.NaN);
        point.forEach((k, v) -> {
            if (v == null || !Double.isFinite(v)) {
                return;
            }
            double[] ring = series.get(k);
            if (ring == null) {
                if (series.size() >= maxSeries) {
                    return;
                }
                ring = new double[capacity];
                Arrays.fill(ring, Double.NaN);
                series.put(k, ring);
            }
            ring[slot] = v;
        });
        next = (next + 1) % capacity;
        size = Math.min(capacity, size + 1);
    }

    /**
     * {@code {timestamps, series}} since {@code fromMillis}: every series for {@code model} null or
     * {@code *}, else that model's series with the model prefix removed. Gaps are null; series
     * without a value in the range are left out.
     */
    public synchronized JsonObject json(String model, long fromMillis) {
        boolean all = model == null || model.equals("*");
        JsonArray ts = new JsonArray();
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int slot = Math.floorMod(next - size + i, capacity);
            if (times[slot] >= fromMillis) {
                slots.add(slot);
                ts.add(times[slot]);
            }
        }
        JsonObject out = new JsonObject();
        series.forEach((k, ring) -> {
            if (!all && !k.startsWith(model + " ")) {
                return;
            }
            JsonArray a = new JsonArray();
            boolean any = false;
            for (int slot : slots) {
                a.add(Double.isFinite(ring[slot]) ? ring[slot] : null);
                any |= Double.isFinite(ring[slot]);
            }
            if (any) {
                out.put(all ? k : k.substring(model.length() + 1), a);
            }
        });
        return new JsonObject().put("timestamps", ts).put("series", out);
    }
}
