package dev.vitals.server.auth;

import dev.vitals.server.config.ConfigException;
import dev.vitals.server.config.VitalsConfig;
import dev.vitals.server.store.ApiKeyRecord;
import dev.vitals.server.store.StateStore;
import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Gateway API keys: checked on every gateway request, each with an optional rate limit and USD budget.
 *
 * <p>Keys created through the admin API look like {@code vk_<16 hex id>_<64 hex secret>}; the store
 * keeps only a random salt and SHA-256(salt ‖ secret). A SHA-256 without a slow KDF is enough because
 * the secrets are 256 random bits, not passwords. Keys from the configuration (any string, read from
 * an environment variable or a file) are found through an HMAC keyed by a per-process random pepper
 * and stored salted like the others, so their spend survives restarts.
 *
 * <p>Checks run on the event loop and touch memory only; the store is written from worker threads
 * ({@link #create}, {@link #revoke}, {@link #flushSpend}). A budget is checked before a call and spent
 * after it, so concurrent calls can overshoot it by at most their own cost.
 */
public final class ApiKeys {
    /** Key names: also the {@code key} label, so short and plain. */
    public static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,63}");
    private static final HexFormat HEX = HexFormat.of();
    private static final SecureRandom RANDOM = new SecureRandom();

    /** The outcome of a check. */
    public enum Outcome { OK, MISSING, INVALID, RATE_LIMITED, BUDGET_EXCEEDED }

    /** A check's verdict; {@code key} is set when the key was recognized. */
    public record Verdict(Outcome outcome, Key key) {
    }

    /** One active key in memory. */
    public static final class Key {
        /** The key as loaded: its id, secret hash, limits and origin, which do not change while it is active. */
        final ApiKeyRecord loaded;
        final TokenBucket bucket;
        final DoubleAdder spent = new DoubleAdder();
        final DoubleAdder unflushed = new DoubleAdder();
        /** Requests admitted here in each second of the last minute (fleet mode): a sliding window. */
        private final long[] perSecond = new long[60];
        private final long[] secondOf = new long[60];
        /** What the other replicas admitted in their last minute, as they last published it. */
        volatile long othersLastMinute;

        /** Admitted here in the 60 seconds up to {@code nowSecond}. */
        synchronized long lastMinute(long nowSecond) {
            long sum = 0;
            for (int i = 0; i < 60; i++) {
                if (secondOf[i] > nowSecond - 60) {
                    sum += perSecond[i];
                }
            }
            return sum;
        }

        /** Admits one request when the fleet's last minute leaves room; records it. */
        synchronized boolean tryAdmitFleet(long nowSecond) {
            if (lastMinute(nowSecond) + othersLastMinute >= loaded.rateLimitPerMinute()) {
                return false;
            }
            int slot = (int) Math.floorMod(nowSecond, 60L);
            if (secondOf[slot] != nowSecond) {
                secondOf[slot] = nowSecond;
                perSecond[slot] = 0;
            }
            perSecond[slot]++;
            return true;
        }

        Key(ApiKeyRecord r) {
            this.loaded = r;
            this.bucket = r.rateLimitPerMinute() > 0 ? new TokenBucket(r.rateLimitPerMinute(), System.nanoTime()) : null;
            this.spent.add(r.spentUsd());
        }

        public String id() {
            return loaded.id();
        }

        public String name() {
            return loaded.name();
        }

        public double spentUsd() {
            return spent.sum();
        }

        /** Requests per minute, 0 = unlimited. */
        public double rateLimitPerMinute() {
            return loaded.rateLimitPerMinute();
        }

        /** Budget in USD, NaN = none. */
        public double budgetUsd() {
            return loaded.budgetUsd();
        }

        /** Remaining budget, or NaN when the key has none. */
        public double remainingUsd() {
            return loaded.hasBudget() ? loaded.budgetUsd() - spent.sum() : Double.NaN;
        }
    }

    private final StateStore store;
    private final int maxKeys;
    private final byte[] pepper = new byte[32];
    private final Map<String, Key> byId = new ConcurrentHashMap<>();
    private final Map<String, Key> configuredByMac = new ConcurrentHashMap<>();

    /** Loads active keys from the store and adds the configured ones (their secrets from env or files). */
    public ApiKeys(StateStore store, VitalsConfig.Auth cfg, Map<String, String> env) {
        this.store = store;
        this.maxKeys = cfg.maxKeys;
        RANDOM.nextBytes(pepper);
        for (ApiKeyRecord r : store.apiKeys()) {
            if (!r.revoked() && "admin".equals(r.source())) {
                byId.put(r.id(), new Key(r));
            }
        }
        Map<String, ApiKeyRecord> stored = new HashMap<>();
        store.apiKeys().forEach(r -> stored.put(r.id(), r));
        for (VitalsConfig.ConfiguredKey k : cfg.keys) {
            String secret = k.secret(env);
            String id = "cfg_" + k.name;
            String salt = newSalt();
            ApiKeyRecord prev = stored.get(id);
            ApiKeyRecord r = new ApiKeyRecord(id, k.name, salt, hash(salt, secret), "config", k.rateLimitPerMinute,
                    k.budgetUsd == null ? Double.NaN : k.budgetUsd, prev == null ? 0 : prev.spentUsd(),
                    prev == null ? System.currentTimeMillis() : prev.createdAtMillis(), 0);
            store.upsertApiKey(r);
            Key key = new Key(r);
            if (configuredByMac.putIfAbsent(mac(secret), key) != null) {
                throw new ConfigException("auth.keys: two configured keys have the same secret (" + k.name + ")");
            }
            byId.put(id, key);
        }
    }

    /** Checks an {@code Authorization} header value (or {@code null}); takes a rate-limit token on success. */
    public Verdict check(String authorization) {
        if (authorization == null || authorization.isBlank()) {
            return new Verdict(Outcome.MISSING, null);
        }
        Key key = authenticate(authorization);
        if (key == null) {
            return new Verdict(Outcome.INVALID, null);
        }
        if (key.bucket != null && !key.bucket.tryTake(System.nanoTime())) {
            return new Verdict(Outcome.RATE_LIMITED, key);
        }
        if (replicaId != null && key.bucket != null && !key.tryAdmitFleet(System.currentTimeMillis() / 1000)) {
            return new Verdict(Outcome.RATE_LIMITED, key);
        }
        if (key.loaded.hasBudget() && key.spent.sum() >= key.budgetUsd()) {
            return new Verdict(Outcome.BUDGET_EXCEEDED, key);
        }
        return new Verdict(Outcome.OK, key);
    }

    /**
     * The key an {@code Authorization: Bearer <key>} header names, or {@code null}; takes no rate-limit
     * token and checks no budget. The scheme is case-insensitive (RFC 9110: {@code bearer} works too).
     */
    public Key authenticate(String authorization) {
        if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
            return null;
        }
        String secret = authorization.substring(7).trim();
        if (secret.isEmpty() || secret.length() > 512) {
            return null;
        }
        return find(secret);
    }

    private Key find(String secret) {
        if (secret.startsWith("vk_") && secret.length() == 3 + 16 + 1 + 64 && secret.charAt(19) == '_') {
            Key k = byId.get(secret.substring(3, 19));
            if (k != null && MessageDigest.isEqual(HEX.parseHex(k.loaded.secretHash()),
                    HEX.parseHex(hash(k.loaded.salt(), secret.substring(20))))) {
                return k;
            }
            return null;
        }
        return configuredByMac.get(mac(secret));
    }

    /** Adds the cost of a finished call to its key (memory now, the store at the next flush). */
    public void spend(Key key, double usd) {
        if (key != null && usd > 0 && Double.isFinite(usd)) {
            key.spent.add(usd);
            key.unflushed.add(usd);
        }
    }

    /** Creates a key; blocking (store write). Returns the record and the one-time plaintext key. */
    public synchronized Map.Entry<ApiKeyRecord, String> create(String name, double rateLimitPerMinute, double budgetUsd) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("'name' must match " + NAME.pattern());
        }
        if (byId.values().stream().anyMatch(k -> k.name().equals(name))) {
            throw new IllegalArgumentException("an active key named '" + name + "' exists already");
        }
        if (byId.size() >= maxKeys) {
            throw new IllegalArgumentException("the gateway has " + byId.size() + " active keys, the limit (auth.maxKeys)");
        }
        byte[] idBytes = new byte[8];
        byte[] secretBytes = new byte[32];
        RANDOM.nextBytes(idBytes);
        RANDOM.nextBytes(secretBytes);
        String id = HEX.formatHex(idBytes);
        String secret = HEX.formatHex(secretBytes);
        String salt = newSalt();
        ApiKeyRecord r = new ApiKeyRecord(id, name, salt, hash(salt, secret), "admin", rateLimitPerMinute, budgetUsd, 0,
                System.currentTimeMillis(), 0);
        store.upsertApiKey(r);
        byId.put(id, new Key(r));
        return Map.entry(r, "vk_" + id + "_" + secret);
    }

    /** Revokes an admin-created key; blocking. False when no such active key. */
    public synchronized boolean revoke(String id) {
        Key k = byId.get(id);
        if (k == null || !"admin".equals(k.loaded.source())) {
            return false;
        }
        if (!store.revokeApiKey(id, System.currentTimeMillis())) {
            return false;
        }
        byId.remove(id);
        return true;
    }

    /** Active keys. */
    public List<Key> list() {
        List<Key> out = new ArrayList<>(byId.values());
        out.sort((a, b) -> Long.compare(a.loaded.createdAtMillis(), b.loaded.createdAtMillis()));
        return out;
    }

    /**
     * Brings the keys in line with the store; blocking, run on a worker every {@code auth.reloadSeconds}.
     * In a fleet sharing one database this is how a replica learns of keys created (they start working
     * here) or revoked (they stop) on another replica, within that delay, and of the spend of its keys
     * everywhere (spent = stored spend + this replica's unflushed spend), so budgets hold fleet-wide to
     * within one reload and flush interval. Checks stay in memory on the event loop.
     */
    public synchronized void reload() {
        if (replicaId != null) {
            shareRates();
        }
        Map<String, ApiKeyRecord> stored = new HashMap<>();
        store.apiKeys().forEach(r -> stored.put(r.id(), r));
        for (ApiKeyRecord r : stored.values()) {
            if (!r.revoked() && "admin".equals(r.source()) && !byId.containsKey(r.id()) && byId.size() < maxKeys) {
                byId.put(r.id(), new Key(r));
            }
        }
        for (Key k : List.copyOf(byId.values())) {
            ApiKeyRecord r = stored.get(k.id());
            if ("admin".equals(k.loaded.source()) && (r == null || r.revoked())) {
                byId.remove(k.id());
            } else if (r != null) {
                double now = r.spentUsd() + k.unflushed.sum();
                double delta = now - k.spent.sum();
                if (delta != 0) {
                    k.spent.add(delta);
                }
            }
        }
    }

    /** Blob name prefix of the replicas' published request counts. */
    static final String RATES_PREFIX = "ratelimit.";
    private String replicaId;

    /**
     * Makes rate limits hold for the fleet: on every {@link #reload} this replica publishes, per key, the
     * requests it admitted in the last minute, reads the other replicas' counts, and admits a request
     * only while its own last minute plus theirs stays under the limit (a sliding window), besides the
     * local token bucket. The other replicas' counts are at most {@code auth.reloadSeconds} old, so the
     * fleet can overshoot a limit by what they admit in that time; counts older than a minute are ignored.
     */
    public synchronized void fleet(String replicaId) {
        this.replicaId = replicaId;
    }

    private void shareRates() {
        long now = System.currentTimeMillis();
        long second = now / 1000;
        io.vertx.core.json.JsonObject mine = new io.vertx.core.json.JsonObject();
        for (Key k : byId.values()) {
            if (k.rateLimitPerMinute() > 0) {
                mine.put(k.id(), k.lastMinute(second));
            }
        }
        store.putBlob(RATES_PREFIX + replicaId, new io.vertx.core.json.JsonObject().put("at", now).put("counts", mine)
                .encode().getBytes(StandardCharsets.UTF_8));
        Map<String, Long> others = new HashMap<>();
        for (String name : store.blobNames(RATES_PREFIX)) {
            if (name.equals(RATES_PREFIX + replicaId)) {
                continue;
            }
            try {
                io.vertx.core.json.JsonObject o = new io.vertx.core.json.JsonObject(new String(store.getBlob(name), StandardCharsets.UTF_8));
                if (now - o.getLong("at", 0L) > 60_000) {
                    continue; // a replica that stopped publishing a minute ago counts nothing
                }
                io.vertx.core.json.JsonObject counts = o.getJsonObject("counts");
                counts.fieldNames().forEach(id -> others.merge(id, counts.getLong(id, 0L), Long::sum));
            } catch (RuntimeException e) {
                // an unreadable record counts nothing
            }
        }
        for (Key k : byId.values()) {
            k.othersLastMinute = others.getOrDefault(k.id(), 0L);
        }
    }

    private dev.vitals.server.store.GroupCommitter writer;
    private String spendReplica = "local";

    /**
     * Writes spend through the store's group commits into this replica's own spend rows (the fleet's
     * spend of a key is the sum over replicas), instead of adding to the key's row directly.
     */
    public synchronized void durable(dev.vitals.server.store.GroupCommitter writer, String replica) {
        this.writer = writer;
        this.spendReplica = replica == null ? "local" : replica;
    }

    /** Writes unflushed spend to the store; blocking. */
    public synchronized void flushSpend() {
        Map<String, Double> delta = new HashMap<>();
        for (Key k : byId.values()) {
            double d = k.unflushed.sumThenReset();
            if (d > 0) {
                delta.put(k.id(), d);
            }
        }
        if (delta.isEmpty()) {
            return;
        }
        try {
            if (writer != null) {
                String replica = spendReplica;
                writer.write(tx -> {
                    tx.addSpend(replica, "key", "", delta);
                    return null;
                }, null);
            } else {
                store.addSpend(delta);
            }
        } catch (RuntimeException e) {
            delta.forEach((id, d) -> {
                Key k = byId.get(id);
                if (k != null) {
                    k.unflushed.add(d); // try again at the next flush
                }
            });
            throw e;
        }
    }

    public boolean isEmpty() {
        return byId.isEmpty();
    }

    static String newSalt() {
        byte[] s = new byte[16];
        RANDOM.nextBytes(s);
        return HEX.formatHex(s);
    }

    static String hash(String saltHex, String secret) {
        try {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            md.update(HEX.parseHex(saltHex));
            md.update(secret.getBytes(StandardCharsets.UTF_8));
            return HEX.formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private String mac(String secret) {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(new SecretKeySpec(pepper, "HmacSHA256"));
            return HEX.formatHex(m.doFinal(secret.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException(e);
        }
    }
}
