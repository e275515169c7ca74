-- $1: application id (see try_lock_application.sql).
SELECT pg_advisory_unlock(hashtextextended('talvix.apply:' || $1::uuid::text, 0))
