-- The dashboard's per-agent table: runs in the last hour and day by status, failure rate, p50/p95,
-- backlog, oldest due age, and what is in flight.
WITH hour AS (
    SELECT agent_name AS agent, count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status = 'failed') AS failed, count(*) FILTER (WHERE status = 'skipped') AS skipped
      FROM public.agent_logs WHERE created_at >= now() - interval '1 hour' GROUP BY 1
), day AS (
    SELECT agent_name AS agent, count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status = 'failed') AS failed, count(*) FILTER (WHERE status = 'skipped') AS skipped,
           percentile_cont(0.5) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE status <> 'started') AS p50,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE status <> 'started') AS p95
      FROM public.agent_logs WHERE created_at >= now() - interval '1 day' GROUP BY 1
), queue AS (
    SELECT agent, count(*) FILTER (WHERE status = 'pending') AS pending,
           count(*) FILTER (WHERE status = 'running') AS running,
           min(run_after) FILTER (WHERE status = 'pending' AND run_after <= now()) AS oldest_due,
           string_agg(DISTINCT worker_id, ', ') FILTER (WHERE status = 'running') AS workers
      FROM talvix.events WHERE status IN ('pending', 'running') GROUP BY agent
)
SELECT a.agent,
       coalesce(h.completed, 0) AS hour_completed, coalesce(h.failed, 0) AS hour_failed, coalesce(h.skipped, 0) AS hour_skipped,
       coalesce(d.completed, 0) AS day_completed, coalesce(d.failed, 0) AS day_failed, coalesce(d.skipped, 0) AS day_skipped,
       round(d.failed::numeric / nullif(d.completed + d.failed + d.skipped, 0), 4)::float8 AS failure_rate,
       round(d.p50::numeric, 1)::float8 AS p50_ms, round(d.p95::numeric, 1)::float8 AS p95_ms,
       coalesce(q.pending, 0) AS pending, coalesce(q.running, 0) AS running,
       round(extract(epoch FROM now() - q.oldest_due)::numeric, 1)::float8 AS oldest_due_seconds, q.workers
  FROM (SELECT agent FROM hour UNION SELECT agent FROM day UNION SELECT agent FROM queue) a
  LEFT JOIN hour h USING (agent) LEFT JOIN day d USING (agent) LEFT JOIN queue q USING (agent)
 ORDER BY a.agent
