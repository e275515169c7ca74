-- Return events whose lease ran out (their worker died or hung) to pending, or fail them when no
-- attempt is left, and close the lost run's agent_logs row as failed (or write it, when the worker
-- died before its opening reached the database).
WITH expired AS (
    SELECT id, agent, user_id, worker_id, attempts, max_attempts
      FROM talvix.events
     WHERE lease_until < now() AND status = 'running'
     ORDER BY lease_until
     LIMIT 1000
       FOR UPDATE SKIP LOCKED
), moved AS (
    UPDATE talvix.events e
       SET status = CASE WHEN x.attempts >= coalesce(x.max_attempts, 1) THEN 'failed' ELSE 'pending' END,
           last_error = format('lease expired: worker %s stopped renewing it (killed, crashed or hung) during attempt %s',
                               x.worker_id, x.attempts),
           finished_at = CASE WHEN x.attempts >= coalesce(x.max_attempts, 1) THEN now() END,
           worker_id = NULL, lease_until = NULL, run_after = now(), updated_at = now()
      FROM expired x
     WHERE e.id = x.id
    RETURNING e.id, e.agent, e.status, e.last_error
), closed AS (
    UPDATE public.agent_logs l
       SET status = 'failed', error_message = left(m.last_error, 500), finished_at = now(),
           duration_ms = greatest(0, (extract(epoch FROM now() - l.created_at) * 1000)::int),
           expires_at = now() + interval '30 days'
      FROM moved m
     WHERE l.event_id = m.id AND l.status = 'started'
    RETURNING l.event_id
), written_whole AS (
    INSERT INTO public.agent_logs (agent_name, user_id, status, event_id, error_message, metadata,
                                   finished_at, expires_at)
    SELECT x.agent, x.user_id, 'failed', x.id, left(m.last_error, 500),
           jsonb_build_object('event_id', x.id, 'attempt', x.attempts, 'worker', x.worker_id),
           now(), now() + interval '30 days'
      FROM expired x JOIN moved m ON m.id = x.id
     WHERE x.id NOT IN (SELECT event_id FROM closed)
)
SELECT m.id, m.agent, m.status, (SELECT count(*) FROM closed) AS logs_closed FROM moved m
