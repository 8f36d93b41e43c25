-- Opaque, versioned state of components (baseline snapshots, ...), one row per component.
CREATE TABLE blobs (
    name          TEXT PRIMARY KEY,
    value         BLOB NOT NULL,
    updated_at_ms INTEGER NOT NULL
);
