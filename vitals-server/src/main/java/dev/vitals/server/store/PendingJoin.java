package dev.vitals.server.store;

/**
 * An item that arrived before the row it joins (feedback before its call's row, an actual before its
 * prediction): kept until that row arrives on any replica, or until it expires.
 *
 * @param id the store's id ({@code 0} before it is stored)
 * @param kind what it is, e.g. {@code feedback}; {@code (kind, itemId)} is unique
 * @param joinKey what it joins on, e.g. the request id
 * @param itemId the client's id of the item (the idempotency key), e.g. the feedback id
 * @param payload the item as JSON, as accepted
 * @param createdAtMillis when it was accepted
 * @param expiresAtMillis when it expires unjoined
 * @param state {@code pending} or {@code expired}
 * @param replica the replica that accepted it
 */
public record PendingJoin(long id, String kind, String joinKey, String itemId, String payload, long createdAtMillis,
                          long expiresAtMillis, String state, String replica) {
    public static final String PENDING = "pending";
    public static final String EXPIRED = "expired";
}
