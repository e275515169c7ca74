-- Record this worker's whole handler registry. $1 names, $2 concurrency, $3 timeouts, $4 max attempts
INSERT INTO talvix.agents AS a (name, concurrency, timeout_seconds, max_attempts)
SELECT * FROM unnest($1::text[], $2::int[], $3::float8[], $4::int[])
ON CONFLICT (name) DO UPDATE
   SET concurrency = EXCLUDED.concurrency, timeout_seconds = EXCLUDED.timeout_seconds,
       max_attempts = EXCLUDED.max_attempts, last_seen_at = now()
