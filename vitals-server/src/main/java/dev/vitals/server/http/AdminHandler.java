package dev.vitals.server.http;

import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.concurrent.Callable;

/**
 * Admin endpoints, behind a bearer token taken from {@code VITALS_ADMIN_TOKEN}. Without a token the
 * admin API is off (403): nothing privileged is ever open by default.
 */
public final class AdminHandler {
    private final byte[] token;
    private final Callable<JsonObject> reload;

    /** @param reload reloads the prices on a worker thread and describes the result */
    public AdminHandler(String adminToken, Callable<JsonObject> reload) {
        this.token = adminToken == null ? null : adminToken.getBytes(StandardCharsets.UTF_8);
        this.reload = reload;
    }

    private boolean authorized(RoutingContext rc) {
        if (token == null) {
            HttpErrors.send(rc, 403, "permission_error", "admin_disabled",
                    "the admin API is disabled; set VITALS_ADMIN_TOKEN to enable it");
            return false;
        }
        String h = rc.request().getHeader("authorization");
        byte[] given = h != null && h.startsWith("Bearer ") ? h.substring(7).trim().getBytes(StandardCharsets.UTF_8) : new byte[0];
        if (!MessageDigest.isEqual(token, given)) {
            HttpErrors.send(rc, 401, "authentication_error", "invalid_admin_token",
                    "missing or wrong admin token (Authorization: Bearer ...)");
            return false;
        }
        return true;
    }

    /** {@code POST /admin/prices/reload}. */
    public void reloadPrices(RoutingContext rc) {
        if (!authorized(rc)) {
            return;
        }
        rc.vertx().executeBlocking(reload, false).onComplete(ar -> {
            if (ar.succeeded()) {
                Routes.json(rc, ar.result());
            } else {
                HttpErrors.send(rc, 422, "invalid_request_error", "invalid_price_file",
                        "price catalog not reloaded, the previous one stays: " + ar.cause().getMessage());
            }
        });
    }

}
