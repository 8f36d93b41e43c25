package dev.vitals.server.cli;

import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * The few server calls the demo makes; errors carry the status and the server's message.
 *
 * @param adminToken the admin token, or {@code null} (blank counts as none)
 * @param apiKey a gateway key, sent on reads: with auth on, the read APIs need one (or the metrics credentials)
 */
record ServerApi(HttpClient http, URI base, String adminToken, String apiKey) {
    ServerApi {
        adminToken = orNull(adminToken);
        apiKey = orNull(apiKey);
    }

    private static String orNull(String secret) {
        return secret == null || secret.isBlank() ? null : secret.trim();
    }

    /** Without the secrets (a record's own would print them). */
    @Override
    public String toString() {
        return "ServerApi[" + base + "]";
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
