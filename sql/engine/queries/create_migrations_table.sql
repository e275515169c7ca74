-- Where applied migrations are recorded (created before the first migration runs).
CREATE SCHEMA IF NOT EXISTS talvix;
CREATE TABLE IF NOT EXISTS talvix.schema_migrations (
    version    integer PRIMARY KEY,
    name       text NOT NULL,
    checksum   text NOT NULL,
    applied_at timestamptz NOT NULL DEFAULT now()
);
