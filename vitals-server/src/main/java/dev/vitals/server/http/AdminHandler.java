package dev.vitals.server.http;

import dev.vitals.server.api.ApiException;
import dev.vitals.server.auth.ApiKeys;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Callable;

/**
 * Admin endpoints, behind a bearer token taken from {@code VITALS_ADMIN_TOKEN}. Without a token the
 * admin API is off (403): nothing privileged is ever open by default. Store writes run on worker threads.
 */
public final class AdminHandler {
    private final byte[] token;
    private final Callable<JsonObject> reload;
    private final AuthHandler auth;

    /** @param reload reloads the prices on a worker thread and describes the result */
    public AdminHandler(String adminToken, Callable<JsonObject> reload, AuthHandler auth) {
        this.token = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
        this.reload = reload;
        this.auth = auth;
    }

    /** Checks the admin token; answers 403/401 itself when it is missing or wrong. */
    SecurityPolicyHandler guard() {
        return this::check;
    }

    private void check(RoutingContext rc) {
        if (token == null) {
            auth.countAdminRefusal("admin_disabled");
            HttpErrors.send(rc, 403, "permission_error", "admin_disabled",
                    "the admin API is disabled; set VITALS_ADMIN_TOKEN to enable it");
            return;
        }
        String h = rc.request().getHeader("authorization");
        byte[] given = h != null && h.startsWith("Bearer ") ? h.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(token, given)) {
            auth.countAdminRefusal(h == null ? "missing_admin_token" : "invalid_admin_token");
            HttpErrors.send(rc, 401, "authentication_error", "invalid_admin_token",
                    "missing or wrong admin token (Authorization: Bearer ...)");
            return;
        }
        rc.next();
    }

    /** {@code POST /admin/prices/reload}. */
    Future<JsonObject> reloadPrices(RoutingContext rc) {
        return Endpoints.blocking(rc, reload).recover(t -> Future.failedFuture(new ApiException(422, "invalid_price_file",
                "price catalog not reloaded, the previous one stays: " + t.getMessage())));
    }

    /** {@code POST /admin/keys} {"name": "...", "rate_limit_per_minute": 600, "budget_usd": 50}: 201 with the key, shown once. */
    Future<JsonObject> createKey(RoutingContext rc) {
        JsonObject o = ChatRequests.object(rc.body().buffer());
        Object n = o.getValue("name");
        if (!(n instanceof String s) || !ApiKeys.NAME.matcher(s).matches()) {
            throw new ApiException("invalid_name", "'name' must be a string matching " + ApiKeys.NAME.pattern());
        }
        String name = (String) n;
        double rpm = number(o, "rate_limit_per_minute", 0, 1e9);
        double budget = o.getValue("budget_usd") == null ? Double.NaN : number(o, "budget_usd", 0, 1e12);
        for (String k : o.fieldNames()) {
            if (!k.equals("name") && !k.equals("rate_limit_per_minute") && !k.equals("budget_usd")) {
                throw new ApiException("unknown_field", "unknown field '" + k + "'; allowed: name, rate_limit_per_minute, budget_usd");
            }
        }
        ApiKeys keys = auth.keys();
        return Endpoints.blocking(rc, () -> keys.create(name, rpm, budget)).recover(t -> Future.failedFuture(
                t instanceof IllegalArgumentException ? new ApiException(409, "key_conflict", t.getMessage()) : t)).map(e -> {
                    rc.response().setStatusCode(201);
                    return describe(e.getKey().id(), e.getKey().name(), e.getKey().rateLimitPerMinute(), e.getKey().budgetUsd(), 0)
                            .put("key", e.getValue());
                });
    }

    private static double number(JsonObject o, String field, double min, double max) {
        Object v = o.getValue(field);
        if (v == null) {
            return 0;
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
            throw new ApiException("invalid_" + field, "'" + field + "' must be a number between " + (long) min + " and " + (long) max);
        }
        return n.doubleValue();
    }

    /** {@code GET /admin/keys}: active keys without secrets. */
    Future<JsonObject> listKeys(RoutingContext rc) {
        JsonArray a = new JsonArray();
        for (ApiKeys.Key k : auth.keys().list()) {
            a.add(describe(k.id(), k.name(), k.rateLimitPerMinute(), k.budgetUsd(), k.spentUsd()).put("remaining_usd", nullable(k.remainingUsd())));
        }
        return Endpoints.now(new JsonObject().put("keys", a));
    }

    /** {@code DELETE /admin/keys/:id}. */
    Future<JsonObject> revokeKey(RoutingContext rc) {
        String id = rc.pathParam("id");
        ApiKeys keys = auth.keys();
        return Endpoints.blocking(rc, () -> keys.revoke(id)).map(revoked -> {
            if (!revoked) {
                throw new ApiException(404, "key_not_found", "no active admin-created key with that id");
            }
            return new JsonObject().put("id", id).put("revoked", true);
        });
    }

    private static JsonObject describe(String id, String name, double rpm, double budget, double spent) {
        JsonObject o = new JsonObject().put("id", id).put("name", name).put("spent_usd", spent);
        return o.put("rate_limit_per_minute", rpm).put("budget_usd", nullable(budget));
    }

    private static Object nullable(double v) {
        return Double.isNaN(v) ? null : v;
    }
}
