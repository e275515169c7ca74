-- Open the agent_logs rows (status 'started') of runs this worker has just claimed. Only for
-- attempts it still holds: a row opened after the reaper or a shutdown moved the event on would
-- stay 'started' forever.
-- $1 event ids, $2 attempts, $3 worker id
INSERT INTO public.agent_logs (agent_name, user_id, status, event_id, metadata, expires_at)
SELECT e.agent, e.user_id, 'started', e.id,
       jsonb_build_object('event_id', e.id, 'attempt', e.attempts, 'worker', $3::text),
       now() + interval '3 days'
  FROM unnest($1::bigint[], $2::int[]) AS r (event_id, attempt)
  JOIN talvix.events e ON e.id = r.event_id
 WHERE e.attempts = r.attempt AND e.status = 'running' AND e.worker_id = $3
