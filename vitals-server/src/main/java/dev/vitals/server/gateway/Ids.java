package dev.vitals.server.gateway;

import java.util.concurrent.ThreadLocalRandom;

/** Random identifiers for requests and completions: 32 hex digits (128 bits), not secrets. */
public final class Ids {
    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private Ids() {
    }

    public static String random() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        char[] c = new char[32];
        long a = r.nextLong();
        long b = r.nextLong();
        for (int i = 0; i < 16; i++) {
            c[i] = HEX[(int) (a >>> (60 - 4 * i)) & 0xf];
            c[16 + i] = HEX[(int) (b >>> (60 - 4 * i)) & 0xf];
        }
        return new String(c);
    }
}
