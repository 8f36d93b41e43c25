-- What evaluation needs of each gateway call: never prompt or response text.
CREATE TABLE calls (
    request_id      TEXT PRIMARY KEY,
    model           TEXT NOT NULL,
    ts_ms           INTEGER NOT NULL,
    predicted_label TEXT,
    predicted_value REAL
);
CREATE INDEX calls_ts ON calls(ts_ms);
-- Feedback, idempotent by the client's feedback id.
CREATE TABLE feedback (
    feedback_id TEXT PRIMARY KEY,
    request_id  TEXT NOT NULL,
    model       TEXT NOT NULL,
    ts_ms       INTEGER NOT NULL,
    payload     TEXT NOT NULL
);
CREATE INDEX feedback_ts ON feedback(ts_ms);
