-- The latest run of each of the events that ?wait callers are waiting for.
-- $1 event ids
SELECT e.id AS event_id, e.status AS event_status, l.status, l.duration_ms, l.records_processed, l.error_message
  FROM talvix.events e
  JOIN LATERAL (SELECT * FROM public.agent_logs WHERE event_id = e.id ORDER BY created_at DESC LIMIT 1) l ON true
 WHERE e.id = ANY ($1::bigint[])
