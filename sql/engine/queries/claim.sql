-- Claim due pending events for several agents at once, each up to its own count. The runs'
-- agent_logs rows are opened by open_runs.sql right after, while the handlers already start: a
-- wake-up waits for this one statement only.
-- $1 agents text[], $2 counts int[], $3 max_attempts int[], $4 worker id, $5 lease seconds
WITH wanted AS (
    SELECT * FROM unnest($1::text[], $2::int[], $3::int[]) AS w (agent, n, max_attempts)
), picked AS (
    SELECT p.id
      FROM wanted w
     CROSS JOIN LATERAL (
        SELECT e.id FROM talvix.events e
         WHERE e.status = 'pending' AND e.agent = w.agent AND e.run_after <= now()
         ORDER BY e.run_after, e.id
         LIMIT w.n
           FOR UPDATE SKIP LOCKED) p
)
-- id = ANY(ARRAY(…)) keeps this a primary-key lookup: joining `picked` instead lets the planner,
-- which cannot see the LIMIT, hash-join against a scan of the whole table.
UPDATE talvix.events e
   SET status = 'running', attempts = e.attempts + 1,
       max_attempts = (SELECT w.max_attempts FROM wanted w WHERE w.agent = e.agent),
       worker_id = $4, lease_until = now() + make_interval(secs => $5), updated_at = now()
 WHERE e.id = ANY (ARRAY(SELECT id FROM picked))
RETURNING e.id, e.agent, e.payload, e.user_id, e.attempts, e.max_attempts, e.created_at, e.source
