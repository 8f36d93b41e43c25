package dev.vitals.server.store;

/**
 * A stored gateway API key: never the secret, only its salt and salted SHA-256.
 *
 * @param id the public key id (the part of the key before the secret)
 * @param name a unique human name, used as the {@code key} label (bounded by the label policy)
 * @param salt hex salt
 * @param secretHash hex SHA-256 of salt bytes followed by the secret's UTF-8 bytes
 * @param source {@code config} or {@code admin}
 * @param rateLimitPerMinute requests per minute, 0 = unlimited
 * @param budgetUsd USD budget, {@code NaN} = none
 * @param spentUsd USD spent so far
 * @param createdAtMillis creation time
 * @param revokedAtMillis revocation time, or 0 when active
 */
public record ApiKeyRecord(String id, String name, String salt, String secretHash, String source,
                           double rateLimitPerMinute, double budgetUsd, double spentUsd,
                           long createdAtMillis, long revokedAtMillis) {

    public boolean revoked() {
        return revokedAtMillis != 0;
    }

    public boolean hasBudget() {
        return !Double.isNaN(budgetUsd);
    }
}
