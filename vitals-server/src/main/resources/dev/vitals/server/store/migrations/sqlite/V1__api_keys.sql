-- Gateway API keys: only a salted SHA-256 of each secret is stored.
CREATE TABLE api_keys (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    salt                  TEXT NOT NULL,
    secret_hash           TEXT NOT NULL,
    source                TEXT NOT NULL,          -- 'config' or 'admin'
    rate_limit_per_minute REAL NOT NULL,          -- 0 = unlimited
    budget_usd            REAL,                   -- NULL = no budget
    spent_usd             REAL NOT NULL DEFAULT 0,
    created_at_ms         INTEGER NOT NULL,
    revoked_at_ms         INTEGER
);
CREATE UNIQUE INDEX api_keys_name ON api_keys(name) WHERE revoked_at_ms IS NULL;
