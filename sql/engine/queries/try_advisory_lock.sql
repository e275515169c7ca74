-- Take a session-level advisory lock if nobody holds it. $1 lock key
SELECT pg_try_advisory_lock($1)
