package dev.vitals.business;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * A keyed hash of user and session ids: HMAC-SHA256 with the salt as key, cut to 64 bits. Only this
 * hash enters the sketches and the session map; the raw id is never stored. Without the salt, a
 * hash cannot be linked back to an id by hashing guessed ids. 64 bits keep collisions negligible
 * (about 1 in 3.7 million at 10 million distinct ids) and far below the sketches' own error.
 */
final class SaltedHash {
    private final ThreadLocal<Mac> mac;

    SaltedHash(byte[] salt) {
        SecretKeySpec key = new SecretKeySpec(salt.clone(), "HmacSHA256");
        mac = ThreadLocal.withInitial(() -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(key);
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available", e); // every JDK has it
            }
        });
    }

    static byte[] randomSalt() {
        byte[] salt = new byte[32];
        new SecureRandom().nextBytes(salt);
        return salt;
    }

    /** The hash of {@code id} in {@code domain} ('u' for users, 's' for sessions, so equal ids differ). */
    long hash(char domain, String id) {
        Mac m = mac.get();
        m.update((byte) domain);
        byte[] h = m.doFinal(id.getBytes(StandardCharsets.UTF_8));
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (h[i] & 0xff);
        }
        return v;
    }
}
