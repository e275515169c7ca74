-- One auto_apply run at a time per application: a session advisory lock on the application's id.
-- $1: application id. True when this session now holds it.
SELECT pg_try_advisory_lock(hashtextextended('talvix.apply:' || $1::uuid::text, 0))
