-- Hand back events this worker claimed but never started (shutdown): pending again, the attempt
-- not counted, and their agent_logs rows removed because no run happened.
-- $1 event ids, $2 attempts, $3 worker id
WITH released AS (
    UPDATE talvix.events e
       SET status = 'pending', attempts = e.attempts - 1, worker_id = NULL, lease_until = NULL,
           updated_at = now()
      FROM unnest($1::bigint[], $2::int[]) AS r (event_id, attempt)
     WHERE e.id = ANY ($1::bigint[]) AND e.id = r.event_id AND e.attempts = r.attempt AND e.status = 'running' AND e.worker_id = $3
    RETURNING e.id, e.attempts + 1 AS attempt
), forgotten AS (
    DELETE FROM public.agent_logs l
     USING released r
     WHERE l.event_id = r.id AND l.status = 'started' AND (l.metadata ->> 'attempt')::int = r.attempt
    RETURNING l.id
)
SELECT (SELECT count(*) FROM released) AS released, (SELECT count(*) FROM forgotten) AS logs_removed
