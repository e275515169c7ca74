-- Claim due pending events of one agent (the usual case: a wake-up names one agent): the same as
-- claim.sql without the per-agent table, so it plans once and runs from a cached plan.
-- $1 agent, $2 count, $3 max_attempts, $4 worker id, $5 lease seconds
UPDATE talvix.events e
   SET status = 'running', attempts = e.attempts + 1, max_attempts = $3, worker_id = $4,
       lease_until = now() + make_interval(secs => $5), updated_at = now()
 WHERE e.id = ANY (ARRAY(SELECT id FROM talvix.events
                          WHERE status = 'pending' AND agent = $1 AND run_after <= now()
                          ORDER BY run_after, id
                          LIMIT $2
                            FOR UPDATE SKIP LOCKED))
RETURNING e.id, e.agent, e.payload, e.user_id, e.attempts, e.max_attempts, e.created_at, e.source
