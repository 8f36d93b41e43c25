package dev.vitals.server.http;

import static dev.vitals.server.http.Endpoints.blocking;
import static dev.vitals.server.http.Endpoints.blockingOnBody;
import static dev.vitals.server.http.Endpoints.now;

import dev.vitals.drift.DatasetProfile;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.csv.CsvColumns;
import dev.vitals.server.csv.CsvInputException;
import dev.vitals.server.csv.CsvReader;
import dev.vitals.server.csv.Progress;
import dev.vitals.server.drift.DriftReports;
import dev.vitals.server.drift.DriftRequests;
import dev.vitals.server.drift.DriftService;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * {@code POST /v1/features}, {@code GET /v1/drift} and {@code POST /admin/drift/reference?model=M}
 * (no body: freeze the current window; a CSV body with a header row: upload the reference, each column
 * numeric when every non-empty value is a number, else categorical; empty, {@code NA}, {@code NaN} and
 * {@code null} are nulls).
 */
final class DriftHandler {
    private final DriftService drift;

    DriftHandler(DriftService drift) {
        this.drift = drift;
    }

    Future<JsonObject> features(RoutingContext rc) {
        // stored before the answer (the journal): a worker thread
        return blockingOnBody(rc, body -> drift.storeFeatures(DriftRequests.features(body, drift::featureType)))
                .map(DriftReports::accepted);
    }

    Future<JsonObject> drift(RoutingContext rc) {
        String model = rc.queryParams().get("model");
        String range = rc.queryParams().get("range");
        if (range != null) {
            long span = DashboardHandler.span(range);
            return now(DriftReports.history(drift.history(model, System.currentTimeMillis() - span), range));
        }
        if (DashboardHandler.fleet(rc.queryParams().get("scope"), drift.shared())) {
            // reads the other replicas' profiles from the store: a worker thread
            return blocking(rc, () -> DriftReports.report(drift.fleetReport(model)));
        }
        return now(DriftReports.report(drift.report(model)));
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
                return DriftReports.frozen(model, drift.freeze(model));
            }
            Map<String, DatasetProfile> profiles = parse(body.getBytes());
            drift.setReference(model, profiles);
            return DriftReports.uploaded(model, profiles.size());
        });
    }

    /**
     * Parses a CSV reference into one profile per column, read by the CLI's rules ({@link CsvColumns}: delimiter,
     * encoding, nulls, numbers); errors name the line and column.
     */
    static Map<String, DatasetProfile> parse(byte[] body) {
        CsvColumns csv;
        try {
            csv = CsvColumns.read(CsvReader.Source.of(body, "the reference"), Set.of(), Progress.NONE,
                    CsvReader.DEFAULT_MAX_COLUMNS);
        } catch (CsvInputException e) {
            throw new ApiException(400, "invalid_csv", e.getMessage());
        } catch (IOException e) {
            throw new ApiException(400, "invalid_csv", "the reference is not valid CSV: " + e);
        }
        if (csv.rows() == 0) {
            throw new ApiException(400, "empty_reference",
                    "the reference CSV needs a header row and at least one data row");
        }
        Map<String, DatasetProfile> out = new LinkedHashMap<>();
        for (CsvColumns.Column c : csv.columns().values()) {
            String name = c.name();
            if (c.kind() == CsvColumns.Kind.TEXT) {
                DatasetProfile p = DatasetProfile.builder().categorical(name).build();
                for (String v : c.texts()) {
                    if (v == null) {
                        p.updateNull(name);
                    } else {
                        p.update(name, v);
                    }
                }
                out.put(name, p);
            } else {
                DatasetProfile p = DatasetProfile.builder().numeric(name).build();
                for (double v : c.numbers()) {
                    if (Double.isFinite(v)) {
                        p.update(name, v);
                    } else {
                        p.updateNull(name); // null, or ±infinity, which the library counts as null
                    }
                }
                out.put(name, p);
            }
        }
        return out;
    }
}
