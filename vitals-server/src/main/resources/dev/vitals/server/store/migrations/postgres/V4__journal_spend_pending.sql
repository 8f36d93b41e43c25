-- PostgreSQL form of ../sqlite/V4__journal_spend_pending.sql: BIGSERIAL, BIGINT, DOUBLE PRECISION.
-- Acknowledged items (feedback scores, evaluation batches, uploads) in the order they were committed:
-- derived state (quality windows, drift profiles) is its last checkpoint plus the entries after the
-- sequence number the checkpoint records. Rows up to a checkpoint are pruned.
CREATE TABLE journal (
    seq     BIGSERIAL PRIMARY KEY,
    replica TEXT NOT NULL,
    kind    TEXT NOT NULL,
    ts_ms   BIGINT NOT NULL,
    payload TEXT NOT NULL
);
CREATE INDEX journal_replica_kind ON journal(replica, kind, seq);
-- Spend per scope ('key' or 'model'), name, period ('' = lifetime, 'YYYY-MM' = a month) and replica:
-- each replica adds to its own row, the fleet's spend is the sum.
CREATE TABLE spend (
    scope   TEXT NOT NULL,
    name    TEXT NOT NULL,
    period  TEXT NOT NULL,
    replica TEXT NOT NULL,
    usd     DOUBLE PRECISION NOT NULL,
    PRIMARY KEY (scope, name, period, replica)
);
-- Items that arrived before what they join (feedback before its call's row): joined when the row
-- arrives, on any replica, or expired after a grace period (state 'expired', kept for the API).
CREATE TABLE pending_joins (
    id            BIGSERIAL PRIMARY KEY,
    kind          TEXT NOT NULL,
    join_key      TEXT NOT NULL,
    item_id       TEXT NOT NULL,
    payload       TEXT NOT NULL,
    created_at_ms BIGINT NOT NULL,
    expires_at_ms BIGINT NOT NULL,
    state         TEXT NOT NULL,
    replica       TEXT NOT NULL
);
CREATE UNIQUE INDEX pending_joins_item ON pending_joins(kind, item_id);
CREATE INDEX pending_joins_state ON pending_joins(kind, state, expires_at_ms);
