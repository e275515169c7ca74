-- Set inside every migration's transaction. A migration that waits for a table lock behind a long
-- transaction makes every later query on that table wait behind it: fail fast instead, and retry.
SET LOCAL lock_timeout = '10s';
SET LOCAL statement_timeout = '10min';
