-- Release a session-level advisory lock. $1 lock key
SELECT pg_advisory_unlock($1)
