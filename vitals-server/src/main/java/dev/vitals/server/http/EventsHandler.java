package dev.vitals.server.http;

import dev.vitals.business.BusinessEvent;
import dev.vitals.server.api.ApiException;
import dev.vitals.server.business.BusinessEvents;
import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.RoutingContext;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * {@code POST /v1/events}: business events linked to earlier calls by request id, one
 * ({@code {"request_id": "...", "kind": "purchased", "event_id": "optional idempotency id"}}) or a batch ({@code {"events": [...]}}, at most
 * {@value #MAX_BATCH}). The batch is all or nothing: one bad event (unknown kind: 400; unknown or
 * expired request id: 404) rejects it whole, naming its index. An accepted batch is stored before the
 * answer ({@link BusinessEvents}, on a worker thread): 200, or 202 when some of its events wait for their
 * call's row (a call another replica answered a moment ago).
 */
final class EventsHandler {
    static final int MAX_BATCH = 1000;
    private static final Set<String> FIELDS = Set.of("request_id", "kind", "event_id");
    private final BusinessEvents business;

    EventsHandler(BusinessEvents business) {
        this.business = business;
    }

    Future<JsonObject> handle(RoutingContext rc) {
        List<BusinessEvent> events = new ArrayList<>();
        List<String> eventIds = new ArrayList<>();
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
                eventIds.add(eventId(a.getValue(i), "events[" + i + "]"));
            }
        } else {
            events.add(event(o, "event"));
            eventIds.add(eventId(o, "event"));
        }
        return Endpoints.blocking(rc, () -> business.record(events, eventIds)).map(r -> {
            rc.response().setStatusCode(r.pending() > 0 ? 202 : 200);
            JsonObject answer = new JsonObject().put("status", r.pending() > 0 ? "pending" : "ok").put("accepted", r.accepted())
                    .put("pending", r.pending());
            // only when there are some: a client that never sends event_id sees the answer it always saw
            return r.duplicates() > 0 ? answer.put("duplicates", r.duplicates()) : answer;
        });
    }

    /** {@code GET /v1/events}: events waiting for their call ({@code pending}) and expired ({@code unknown_call}). */
    Future<JsonObject> status(RoutingContext rc) {
        var counts = business.pendingCounts();
        return Endpoints.now(new JsonObject().put("pending", counts.getOrDefault("pending", 0L))
                .put("unknown_call", counts.getOrDefault("expired", 0L)));
    }

    private static BusinessEvent event(Object v, String at) {
        if (!(v instanceof JsonObject o)) {
            throw new ApiException("invalid_event", at + " must be an object, got " + ChatRequests.kind(v));
        }
        for (String f : o.fieldNames()) {
            if (!FIELDS.contains(f)) {
                throw new ApiException("invalid_event", at + ": unknown field '" + (f.length() > 64 ? f.substring(0, 64) : f)
                        + "'; allowed: request_id, kind, event_id");
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

    /** The event's optional idempotency id; {@link #event} checked the object. */
    private static String eventId(Object v, String at) {
        Object id = ((JsonObject) v).getValue("event_id");
        if (id == null) {
            return null;
        }
        if (!(id instanceof String s) || s.isEmpty() || s.length() > 128) {
            throw new ApiException("invalid_event", at + ".event_id must be a string of 1 to 128 characters");
        }
        return s;
    }
}
