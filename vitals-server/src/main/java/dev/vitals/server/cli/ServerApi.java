package dev.vitals.server.cli;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The few server calls the demo makes; errors carry the status and the server's message. */
final class ServerApi {
    private final HttpClient http;
    private final URI base;
    private final String adminToken;
    private final String apiKey;

    /** @param apiKey a gateway key, sent on reads: with auth on, the read APIs need one (or the metrics credentials) */
    ServerApi(HttpClient http, URI base, String adminToken, String apiKey) {
        this.http = http;
        this.base = base;
        this.adminToken = adminToken == null || adminToken.isBlank() ? null : adminToken.trim();
        this.apiKey = apiKey == null || apiKey.isBlank() ? null : apiKey.trim();
    }

    URI base() {
        return base;
    }

    static final class ApiError extends Exception {
        ApiError(String message) {
            super(message);
        }
    }

    JsonObject get(String path) throws ApiError {
        HttpRequest.Builder b = HttpRequest.newBuilder(base.resolve(path)).timeout(Duration.ofSeconds(10)).GET();
        if (apiKey != null) {
            b.header("authorization", "Bearer " + apiKey);
        }
        return send(b.build());
    }

    private JsonObject send(HttpRequest req) throws ApiError {
        try {
            HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
            JsonObject body;
            try {
                body = new JsonObject(r.body());
            } catch (RuntimeException e) {
                throw new ApiError(req.uri().getPath() + " answered " + r.statusCode() + " without JSON");
            }
            if (r.statusCode() != 200) {
                throw new ApiError(req.uri().getPath() + " answered " + r.statusCode() + ": " + body.getString("message", ""));
            }
            return body;
        } catch (java.io.IOException e) {
            throw new ApiError(req.uri().getPath() + ": " + e.getMessage());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ApiError("interrupted");
        }
    }

    /** The server's anomaly settings, for the demo's schedule; the defaults when it does not say. */
    LoadgenCommand.Settings settings() {
        try {
            JsonObject s = get("/v1/anomalies").getJsonObject("settings");
            if (s != null) {
                return new LoadgenCommand.Settings(s.getLong("step_ms") / 1000.0, s.getInteger("warm_up"), s.getInteger("consecutive"));
            }
        } catch (ApiError | RuntimeException e) {
            // an older server or one whose /v1/anomalies needs credentials: time the demo for the defaults
        }
        return LoadgenCommand.Settings.DEFAULTS;
    }

    /** Freezes the model's current drift window as its reference; a line saying what happened. */
    String freezeReference(String model) {
        if (adminToken == null) {
            return "drift reference not set: no admin token (set VITALS_ADMIN_TOKEN for the server and the demo);"
                    + " drift will have no verdict until the first full drift window (drift.windowMinutes)";
        }
        try {
            send(HttpRequest.newBuilder(base.resolve("/admin/drift/reference?model=" + URLEncoder.encode(model, StandardCharsets.UTF_8)))
                    .timeout(Duration.ofSeconds(10)).header("authorization", "Bearer " + adminToken)
                    .POST(HttpRequest.BodyPublishers.noBody()).build());
            return "drift reference set from the warm-up traffic (POST /admin/drift/reference); drift is judged from now on";
        } catch (ApiError e) {
            return "drift reference not set: " + e.getMessage();
        }
    }
}
