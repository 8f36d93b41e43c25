-- PostgreSQL form of ../V1__api_keys.sql (same version, same columns): DOUBLE PRECISION for REAL
-- (PostgreSQL's REAL is 4 bytes) and BIGINT for millisecond times (its INTEGER is 4 bytes).
CREATE TABLE api_keys (
    id                    TEXT PRIMARY KEY,
    name                  TEXT NOT NULL,
    salt                  TEXT NOT NULL,
    secret_hash           TEXT NOT NULL,
    source                TEXT NOT NULL,
    rate_limit_per_minute DOUBLE PRECISION NOT NULL,
    budget_usd            DOUBLE PRECISION,
    spent_usd             DOUBLE PRECISION NOT NULL DEFAULT 0,
    created_at_ms         BIGINT NOT NULL,
    revoked_at_ms         BIGINT
);
CREATE UNIQUE INDEX api_keys_name ON api_keys(name) WHERE revoked_at_ms IS NULL;
