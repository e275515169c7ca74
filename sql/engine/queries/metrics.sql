-- One scrape's database-backed gauges: events by agent and status, and the oldest due event's age.
SELECT 'events' AS kind, agent, status, count(*)::float8 AS value
  FROM talvix.events GROUP BY agent, status
UNION ALL
SELECT 'oldest_due', agent, NULL, extract(epoch FROM now() - min(run_after))::float8
  FROM talvix.events WHERE status = 'pending' AND run_after <= now() GROUP BY agent
