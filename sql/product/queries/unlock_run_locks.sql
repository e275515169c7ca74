-- Release every session advisory lock a run took on its own connection (the application's, the
-- LinkedIn account's): the connection holds nothing else, and goes back to the pool clean.
SELECT pg_advisory_unlock_all()
