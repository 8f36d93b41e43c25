-- PostgreSQL form of ../V3__calls_feedback.sql: BIGINT for millisecond times, DOUBLE PRECISION for REAL.
CREATE TABLE calls (
    request_id      TEXT PRIMARY KEY,
    model           TEXT NOT NULL,
    ts_ms           BIGINT NOT NULL,
    predicted_label TEXT,
    predicted_value DOUBLE PRECISION
);
CREATE INDEX calls_ts ON calls(ts_ms);
CREATE TABLE feedback (
    feedback_id TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL,
    model       TEXT NOT NULL,
    ts_ms       BIGINT NOT NULL,
    payload     TEXT NOT NULL
);
CREATE INDEX feedback_ts ON feedback(ts_ms);
