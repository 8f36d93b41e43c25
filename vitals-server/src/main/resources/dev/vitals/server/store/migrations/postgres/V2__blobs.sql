-- PostgreSQL form of ../V2__blobs.sql: BYTEA for BLOB, BIGINT for millisecond times.
CREATE TABLE blobs (
    name          TEXT PRIMARY KEY,
    value         BYTEA NOT NULL,
    updated_at_ms BIGINT NOT NULL
);
