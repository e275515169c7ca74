-- The latest agent_logs rows, newest first. $1 agent, $2 status, $3 user id (each NULL = any), $4 limit
SELECT id, agent_name, user_id, status, duration_ms, records_processed, error_message, metadata,
       event_id, created_at, finished_at, expires_at
  FROM public.agent_logs
 WHERE ($1::text IS NULL OR agent_name = $1)
   AND ($2::text IS NULL OR status = $2)
   AND ($3::uuid IS NULL OR user_id = $3)
 ORDER BY created_at DESC
 LIMIT $4
