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
     * The points since {@code fromMillis}, oldest first: their times, and each series' values at them (null: a gap).
     * Series without a value in the range are left out; {@code model} null or {@code *}: every series, else that
     * model's series with the model prefix removed.
     */
    public record Snapshot(List<Long> timestamps, Map<String, List<Double>> series) {
        public Snapshot {
            timestamps = List.copyOf(timestamps);
            series = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(series));
        }

        /** {@code {timestamps, series}}, gaps as null. */
        public JsonObject json() {
            JsonObject out = new JsonObject();
            series.forEach((k, v) -> out.put(k, new JsonArray(new ArrayList<>(v))));
            return new JsonObject().put("timestamps", new JsonArray(new ArrayList<>(timestamps))).put("series", out);
        }
    }

    /** The points since {@code fromMillis}, for one model or every series ({@code model} null or {@code *}). */
    public synchronized Snapshot snapshot(String model, long fromMillis) {
        boolean all = model == null || model.equals("*");
        List<Long> ts = new ArrayList<>();
        List<Integer> slots = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            int slot = Math.floorMod(next - size + i, capacity);
            if (times[slot] >= fromMillis) {
                slots.add(slot);
                ts.add(times[slot]);
            }
        }
        Map<String, List<Double>> out = new LinkedHashMap<>();
        series.forEach((k, ring) -> {
            if (!all && !k.startsWith(model + " ")) {
                return;
            }
            List<Double> a = new ArrayList<>(slots.size());
            boolean any = false;
            for (int slot : slots) {
                a.add(Double.isFinite(ring[slot]) ? ring[slot] : null);
                any |= Double.isFinite(ring[slot]);
            }
            if (any) {
                out.put(all ? k : k.substring(model.length() + 1), java.util.Collections.unmodifiableList(a));
            }
        });
        return new Snapshot(ts, out);
    }
}
