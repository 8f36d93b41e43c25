package dev.vitals.server.http;

import dev.vitals.business.BusinessEvent;
import dev.vitals.business.BusinessMetrics;
import dev.vitals.server.api.ApiException;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/events}: business events linked to earlier calls by request id, one
 * ({@code {"request_id": "...", "kind": "purchased"}}) or a batch ({@code {"events": [...]}}, at most
 * {@value #MAX_BATCH}). The batch is all or nothing: one bad event (unknown kind: 400; unknown or
 * expired request id: 404) rejects it whole, naming its index.
 */
final class EventsHandler {
    static final int MAX_BATCH = 1000;
    private static final Set<String> FIELDS = Set.of("request_id", "kind");
    private final BusinessMetrics business;

    EventsHandler(BusinessMetrics business) {
        this.business = business;
    }

    Future<JsonObject> handle(RoutingContext rc) {
        List<BusinessEvent> events = new ArrayList<>();
        JsonObject o = ChatRequests.object(rc.body().buffer());
        if (o.containsKey("events")) {
            if (!(o.getValue("events") instanceof JsonArray a) || a.isEmpty()) {
                throw new ApiException("invalid_events", "'events' must be a non-empty array");
            }
            if (o.size() != 1) {
                throw new ApiException("invalid_events", "a batch has only the field 'events'");
            }
            if (a.size() > MAX_BATCH) {
                throw new ApiException(413, "batch_too_large", "a batch holds at most " + MAX_BATCH + " events, got " + a.size());
            }
            for (int i = 0; i < a.size(); i++) {
                events.add(event(a.getValue(i), "events[" + i + "]"));
            }
        } else {
            events.add(event(o, "event"));
        }
        try {
            business.recordEvents(events);
        } catch (IllegalArgumentException e) {
            boolean unknownId = e.getMessage() != null && e.getMessage().contains("unknown request id");
            throw new ApiException(unknownId ? 404 : 400, unknownId ? "unknown_request_id" : "invalid_event", e.getMessage());
        }
        return Endpoints.now(new JsonObject().put("accepted", events.size()));
    }

    private static BusinessEvent event(Object v, String at) {
        if (!(v instanceof JsonObject o)) {
            throw new ApiException("invalid_event", at + " must be an object, got " + ChatRequests.kind(v));
        }
        for (String f : o.fieldNames()) {
            if (!FIELDS.contains(f)) {
                throw new ApiException("invalid_event", at + ": unknown field '" + (f.length() > 64 ? f.substring(0, 64) : f)
                        + "'; allowed: request_id, kind");
            }
        }
        if (!(o.getValue("request_id") instanceof String id) || id.isEmpty() || id.length() > 128) {
            throw new ApiException("invalid_event", at + ".request_id must be a string of 1 to 128 characters");
        }
        if (!(o.getValue("kind") instanceof String kind) || kind.isEmpty() || kind.length() > 64) {
            throw new ApiException("invalid_event", at + ".kind must be a string of 1 to 64 characters");
        }
        return new BusinessEvent(id, kind);
    }
}
