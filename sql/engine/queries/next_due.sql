-- When the next pending event of these agents becomes due (NULL when there is none).
-- $1 agents
SELECT min(e.run_after) AS next_due
  FROM unnest($1::text[]) AS a (agent)
 CROSS JOIN LATERAL (SELECT run_after FROM talvix.events
                      WHERE status = 'pending' AND agent = a.agent
                      ORDER BY run_after LIMIT 1) e
