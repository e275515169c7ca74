-- The latest failed runs, and whether their event can still be retried.
SELECT l.created_at, l.agent_name, l.event_id, l.error_message, e.status AS event_status
  FROM public.agent_logs l
  LEFT JOIN talvix.events e ON e.id = l.event_id
 WHERE l.status = 'failed'
 ORDER BY l.created_at DESC
 LIMIT 25
