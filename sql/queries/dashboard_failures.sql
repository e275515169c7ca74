-- The latest failed runs, with the screenshot of the application they were about, if any.
SELECT l.created_at, l.agent_name, l.event_id, l.error_message, e.status AS event_status,
       a.id AS application_id, a.screenshot_path
  FROM public.agent_logs l
  LEFT JOIN talvix.events e ON e.id = l.event_id
  LEFT JOIN public.job_applications a
         ON a.id::text = coalesce(e.payload ->> 'application_id', e.payload -> 'row' ->> 'id')
        AND l.agent_name = 'auto_apply'
 WHERE l.status = 'failed'
 ORDER BY l.created_at DESC
 LIMIT 25
