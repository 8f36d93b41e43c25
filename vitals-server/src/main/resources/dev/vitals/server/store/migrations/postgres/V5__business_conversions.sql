-- PostgreSQL form of ../sqlite/V5__business_conversions.sql: the same, BIGINT for millisecond times.
-- The first business event of each kind for a request: a conversion counts once, on any replica and
-- across restarts (the insert that succeeds decides it). Pruned with the calls (store retention).
CREATE TABLE business_conversions (
    request_id TEXT NOT NULL,
    kind       TEXT NOT NULL,
    ts_ms      BIGINT NOT NULL,
    PRIMARY KEY (request_id, kind)
);
CREATE INDEX business_conversions_ts ON business_conversions(ts_ms);
