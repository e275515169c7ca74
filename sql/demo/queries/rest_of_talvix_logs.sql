-- The last run of each of the rest of Talvix's agents, and what it said. $1 the agents
SELECT DISTINCT ON (agent_name) agent_name, status, records_processed,
       coalesce(error_message, left((metadata - ARRAY['worker', 'attempt', 'event_id'])::text, 110)) AS said
  FROM public.agent_logs
 WHERE agent_name = ANY($1)
 ORDER BY agent_name, created_at DESC
