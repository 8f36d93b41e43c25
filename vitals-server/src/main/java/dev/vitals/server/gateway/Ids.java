package dev.vitals.server.gateway;

import java.util.concurrent.ThreadLocalRandom;

/** Identifiers for requests and completions: 32 hex digits, not secrets. */
public final class Ids {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    /** 128 random bits. */
    public static String random() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[32];
        hex(c, 0, r.nextLong(), 16);
        hex(c, 16, r.nextLong(), 16);
        return new String(c);
    }

    /**
     * A request id that sorts by time, as a UUIDv7 does (RFC 9562): the first 12 digits are the Unix time in
     * milliseconds, the other 20 come from {@link ThreadLocalRandom} (not a secret, and no more unpredictable
     * than its 64-bit state). The store keys each call by its request id: ids in time order are appended at the
     * end of that index, where random ones dirtied a page of it anywhere per call (each committed and written
     * again to the write-ahead log). The id shows when the gateway received the request, to the millisecond.
     */
    public static String ordered() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[32];
        hex(c, 0, System.currentTimeMillis(), 12);
        hex(c, 12, r.nextLong(), 4);
        hex(c, 16, r.nextLong(), 16);
        return new String(c);
    }

    /** The low {@code digits} hex digits of {@code v}, most significant first, into {@code c} at {@code at}. */
    private static void hex(char[] c, int at, long v, int digits) {
        for (int i = 0; i < digits; i++) {
            c[at + i] = HEX[(int) (v >>> (4 * (digits - 1 - i))) & 0xf];
        }
    }
}
