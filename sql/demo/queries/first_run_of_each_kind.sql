-- One run per agent, status and error: what the demo rows led to.
SELECT DISTINCT ON (agent_name, status, coalesce(error_message, ''))
       agent_name, status, duration_ms, records_processed, event_id, error_message
  FROM public.agent_logs
 ORDER BY agent_name, status, coalesce(error_message, ''), created_at
