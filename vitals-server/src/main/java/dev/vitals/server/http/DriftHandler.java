package dev.vitals.server.http;

import static dev.vitals.server.http.Endpoints.blocking;
import static dev.vitals.server.http.Endpoints.now;

import com.fasterxml.jackson.databind.MappingIterator;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvParser;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import dev.vitals.drift.DatasetProfile;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.drift.DriftService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code POST /v1/features}, {@code GET /v1/drift} and {@code POST /admin/drift/reference?model=M}
 * (no body: freeze the current window; a CSV body with a header row: upload the reference, each column
 * numeric when every non-empty value is a number, else categorical; empty, {@code NA}, {@code NaN} and
 * {@code null} are nulls).
 */
final class DriftHandler {
    private static final CsvMapper CSV = new CsvMapper().enable(CsvParser.Feature.WRAP_AS_ARRAY);
    private final DriftService drift;

    DriftHandler(DriftService drift) {
        this.drift = drift;
    }

    Future<JsonObject> features(RoutingContext rc) {
        JsonObject body = ChatRequests.object(rc.body().buffer());
        return now(new JsonObject().put("status", "ok").put("accepted", drift.features(body)));
    }

    Future<JsonObject> drift(RoutingContext rc) {
        String model = rc.queryParams().get("model");
        String range = rc.queryParams().get("range");
        if (range != null) {
            Long span = DashboardHandler.RANGES.get(range);
            if (span == null) {
                throw new ApiException(400, "invalid_range", "'range' must be one of " + DashboardHandler.RANGES.keySet());
            }
            return now(drift.history(model, System.currentTimeMillis() - span).put("model", model == null ? "*" : model)
                    .put("range", range));
        }
        String scope = rc.queryParams().get("scope");
        if (scope != null && !scope.equals("fleet") && !scope.equals("replica")) {
            throw new ApiException(400, "invalid_scope", "'scope' must be fleet or replica");
        }
        if (scope == null ? drift.shared() : scope.equals("fleet")) {
            // reads the other replicas' profiles from the store: a worker thread
            return blocking(rc, () -> drift.fleetReport(model));
        }
        return now(drift.report(model));
    }

    /**
     * Before the body handler of the reference upload: {@code curl --data-binary @file} sends
     * {@code application/x-www-form-urlencoded}, which the body handler would decode as a form (and
     * refuse as unreadable). Such a body is the CSV itself: read it raw, like {@code text/csv}. A
     * multipart form is refused with a hint rather than half-read.
     */
    static void csvBody(RoutingContext rc) {
        String type = rc.request().getHeader("content-type");
        String t = type == null ? "" : type.toLowerCase(Locale.ROOT);
        if (t.startsWith("application/x-www-form-urlencoded")) {
            rc.request().headers().set("content-type", "text/csv");
        } else if (t.startsWith("multipart/")) {
            Endpoints.fail(rc, new ApiException(415, "unsupported_media_type",
                    "send the reference CSV as the request body (curl --data-binary @reference.csv -H 'content-type: text/csv'),"
                            + " not as a multipart form"));
            return;
        }
        rc.next();
    }

    Future<JsonObject> reference(RoutingContext rc) {
        String model = rc.queryParams().get("model");
        if (model == null || model.isBlank()) {
            throw new ApiException(400, "missing_model", "'model' query parameter is required");
        }
        var body = rc.body().buffer();
        return blocking(rc, () -> {
            if (body == null || body.length() == 0) {
                return new JsonObject().put("model", model).put("frozen_features", drift.freeze(model));
            }
            Map<String, DatasetProfile> profiles = parse(body.toString(StandardCharsets.UTF_8));
            drift.setReference(model, profiles);
            return new JsonObject().put("model", model).put("uploaded_features", profiles.size());
        });
    }

    /** Parses a CSV reference into one profile per column; errors name the line and column. */
    static Map<String, DatasetProfile> parse(String text) {
        if (text.startsWith("\uFEFF")) {
            text = text.substring(1);
        }
        List<String[]> rows = new ArrayList<>();
        try (MappingIterator<String[]> it = CSV.readerFor(String[].class).with(CsvSchema.emptySchema()).readValues(text)) {
            while (it.hasNextValue()) {
                rows.add(it.nextValue());
            }
        } catch (IOException | RuntimeException e) {
            throw new ApiException(400, "invalid_csv", "the reference is not valid CSV: " + e.getMessage());
        }
        if (rows.size() < 2) {
            throw new ApiException(400, "empty_reference", "the reference CSV needs a header row and at least one data row");
        }
        String[] header = rows.get(0);
        for (int i = 1; i < rows.size(); i++) {
            if (rows.get(i).length != header.length) {
                throw new ApiException(400, "invalid_csv", "line " + (i + 1) + " has " + rows.get(i).length
                        + " columns, the header has " + header.length);
            }
        }
        Map<String, DatasetProfile> out = new LinkedHashMap<>();
        for (int c = 0; c < header.length; c++) {
            String name = header[c].trim();
            if (name.isEmpty() || out.containsKey(name)) {
                throw new ApiException(400, "invalid_csv", "column " + (c + 1) + " needs a unique, non-empty name");
            }
            boolean numeric = true;
            for (int i = 1; i < rows.size() && numeric; i++) {
                String v = rows.get(i)[c].trim();
                if (!isNull(v)) {
                    try {
                        double d = Double.parseDouble(v);
                        numeric = Double.isFinite(d);
                    } catch (NumberFormatException e) {
                        numeric = false;
                    }
                }
            }
            DatasetProfile p = numeric ? DatasetProfile.builder().numeric(name).build() : DatasetProfile.builder().categorical(name).build();
            for (int i = 1; i < rows.size(); i++) {
                String v = rows.get(i)[c].trim();
                if (isNull(v)) {
                    p.updateNull(name);
                } else if (numeric) {
                    p.update(name, Double.parseDouble(v));
                } else {
                    p.update(name, v);
                }
            }
            out.put(name, p);
        }
        return out;
    }

    private static boolean isNull(String v) {
        String l = v.toLowerCase(Locale.ROOT);
        return v.isEmpty() || l.equals("na") || l.equals("nan") || l.equals("null");
    }
}
