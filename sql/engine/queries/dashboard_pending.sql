-- The next pending events, soonest due first, for the dashboard's cancel buttons.
SELECT id, agent, run_after, attempts, user_id, round(extract(epoch FROM now() - run_after)::numeric, 1)::float8 AS due_seconds
  FROM talvix.events
 WHERE status = 'pending'
 ORDER BY run_after, id
 LIMIT 25
