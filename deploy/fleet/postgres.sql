-- PostgreSQL for a Vitals fleet (PostgreSQL 13 or later; tested on 15). Run as a superuser:
--   psql -v pw="'...'" -f deploy/fleet/postgres.sql
-- Vitals creates and migrates its tables itself on start (migrations/postgres/V*.sql, under an
-- advisory lock, so replicas starting together migrate once); it needs only to own the database.
CREATE ROLE vitals LOGIN PASSWORD :pw;
CREATE DATABASE vitals OWNER vitals;
-- Connections: each replica opens at most store.maxPoolSize (default 8); keep
-- max_connections above replicas x maxPoolSize + your other clients.
-- Suggested postgresql.conf for a small dedicated instance (the writes are small and frequent):
--   max_connections = 100
--   shared_buffers = 256MB
--   synchronous_commit = off        -- optional: a crash loses < 1 s of call rows, never corrupts
--   autovacuum = on                 -- retention deletes old calls/feedback every hour
