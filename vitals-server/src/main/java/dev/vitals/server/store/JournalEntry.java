package dev.vitals.server.store;

/**
 * One acknowledged item in the journal, in commit order.
 *
 * @param seq its sequence number: increasing in the order one replica committed its entries
 * @param replica the replica that wrote it ({@code local} when alone)
 * @param kind what it is ({@code feedback}, {@code evaluation}, ...), chosen by the component that replays it
 * @param timeMillis when it was committed
 * @param payload the item as JSON
 */
public record JournalEntry(long seq, String replica, String kind, long timeMillis, String payload) {
}
