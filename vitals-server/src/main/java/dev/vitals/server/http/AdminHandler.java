package dev.vitals.server.http;

import dev.vitals.server.auth.ApiKeys;
import dev.vitals.server.store.ApiKeyRecord;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.SecurityPolicyHandler;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Map;
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
    void reloadPrices(RoutingContext rc) {
        rc.vertx().executeBlocking(reload, false).onComplete(ar -> {
            if (ar.succeeded()) {
                Routes.json(rc, ar.result());
            } else {
                HttpErrors.send(rc, 422, "invalid_request_error", "invalid_price_file",
                        "price catalog not reloaded, the previous one stays: " + ar.cause().getMessage());
            }
        });
    }

    /** {@code POST /admin/keys} {"name": "...", "rate_limit_per_minute": 600, "budget_usd": 50}: 201 with the key, shown once. */
    void createKey(RoutingContext rc) {
        JsonObject o;
        String name;
        double rpm;
        double budget;
        try {
            o = ChatRequests.object(rc.body().buffer());
            Object n = o.getValue("name");
            if (!(n instanceof String s) || !ApiKeys.NAME.matcher(s).matches()) {
                throw new BadRequest("invalid_name", "'name' must be a string matching " + ApiKeys.NAME.pattern());
            }
            name = (String) n;
            rpm = number(o, "rate_limit_per_minute", 0, 1e9);
            budget = o.getValue("budget_usd") == null ? Double.NaN : number(o, "budget_usd", 0, 1e12);
            for (String k : o.fieldNames()) {
                if (!k.equals("name") && !k.equals("rate_limit_per_minute") && !k.equals("budget_usd")) {
                    throw new BadRequest("unknown_field", "unknown field '" + k + "'; allowed: name, rate_limit_per_minute, budget_usd");
                }
            }
        } catch (BadRequest e) {
            HttpErrors.send(rc, e);
            return;
        }
        ApiKeys keys = auth.keys();
        rc.vertx().executeBlocking(() -> keys.create(name, rpm, budget), false).onComplete(ar -> {
            if (ar.failed()) {
                Throwable t = ar.cause();
                if (t instanceof IllegalArgumentException) {
                    HttpErrors.send(rc, 409, "invalid_request_error", "key_conflict", t.getMessage());
                } else {
                    rc.fail(t);
                }
                return;
            }
            Map.Entry<ApiKeyRecord, String> e = ar.result();
            rc.response().setStatusCode(201);
            Routes.json(rc, describe(e.getKey().id(), e.getKey().name(), e.getKey().rateLimitPerMinute(), e.getKey().budgetUsd(), 0)
                    .put("key", e.getValue()));
        });
    }

    private static double number(JsonObject o, String field, double min, double max) {
        Object v = o.getValue(field);
        if (v == null) {
            return 0;
        }
        if (!(v instanceof Number n) || !Double.isFinite(n.doubleValue()) || n.doubleValue() < min || n.doubleValue() > max) {
            throw new BadRequest("invalid_" + field, "'" + field + "' must be a number between " + (long) min + " and " + (long) max);
        }
        return n.doubleValue();
    }

    /** {@code GET /admin/keys}: active keys without secrets. */
    void listKeys(RoutingContext rc) {
        JsonArray a = new JsonArray();
        for (ApiKeys.Key k : auth.keys().list()) {
            a.add(describe(k.id(), k.name(), k.rateLimitPerMinute(), k.budgetUsd(), k.spentUsd()).put("remaining_usd", nullable(k.remainingUsd())));
        }
        Routes.json(rc, new JsonObject().put("keys", a));
    }

    /** {@code DELETE /admin/keys/:id}. */
    void revokeKey(RoutingContext rc) {
        String id = rc.pathParam("id");
        ApiKeys keys = auth.keys();
        rc.vertx().executeBlocking(() -> keys.revoke(id), false).onComplete(ar -> {
            if (ar.failed()) {
                rc.fail(ar.cause());
            } else if (!ar.result()) {
                HttpErrors.send(rc, 404, "invalid_request_error", "key_not_found", "no active admin-created key with that id");
            } else {
                Routes.json(rc, new JsonObject().put("id", id).put("revoked", true));
            }
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
