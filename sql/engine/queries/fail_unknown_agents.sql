-- Fail at once the pending events whose agent no worker has ever registered: no handler exists
-- for them anywhere, so waiting would only hide the mistake. Each gets a failed agent_logs row.
-- $1 agent names to check (NULL = every pending agent)
WITH unknown AS (
    SELECT e.id
      FROM talvix.events e
     WHERE e.status = 'pending'
       AND ($1::text[] IS NULL OR e.agent = ANY ($1::text[]))
       AND NOT EXISTS (SELECT 1 FROM talvix.agents a WHERE a.name = e.agent)
     LIMIT 10000
       FOR UPDATE SKIP LOCKED
), failed AS (
    UPDATE talvix.events e
       SET status = 'failed', finished_at = now(), updated_at = now(),
           last_error = format('unknown agent %L: no handler is registered under this name (registered: %s)',
                               e.agent, coalesce((SELECT string_agg(name, ', ' ORDER BY name) FROM talvix.agents), 'none'))
      FROM unknown u
     WHERE e.id = u.id
    RETURNING e.id, e.agent, e.user_id, e.attempts, e.last_error
), logged AS (
    INSERT INTO public.agent_logs (agent_name, user_id, status, event_id, duration_ms, error_message,
                                   metadata, finished_at, expires_at)
    SELECT f.agent, f.user_id, 'failed', f.id, 0, left(f.last_error, 500),
           jsonb_build_object('event_id', f.id, 'attempt', f.attempts), now(), now() + interval '30 days'
      FROM failed f
    RETURNING id
)
SELECT f.id, f.agent, f.last_error FROM failed f
