-- Per agent: runs in the window by status, p50/p95 duration, failure rate, backlog and its age.
-- $1 window (interval)
WITH runs AS (
    SELECT agent_name AS agent,
           count(*) FILTER (WHERE status = 'started')   AS started,
           count(*) FILTER (WHERE status = 'completed') AS completed,
           count(*) FILTER (WHERE status = 'failed')    AS failed,
           count(*) FILTER (WHERE status = 'skipped')   AS skipped,
           percentile_cont(0.5)  WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE status <> 'started') AS p50_ms,
           percentile_cont(0.95) WITHIN GROUP (ORDER BY duration_ms) FILTER (WHERE status <> 'started') AS p95_ms
      FROM public.agent_logs
     WHERE created_at >= now() - $1::interval
     GROUP BY agent_name
), backlog AS (
    SELECT agent,
           count(*) FILTER (WHERE status = 'pending')                      AS pending,
           count(*) FILTER (WHERE status = 'pending' AND run_after <= now()) AS due,
           count(*) FILTER (WHERE status = 'running')                      AS running,
           min(run_after) FILTER (WHERE status = 'pending' AND run_after <= now()) AS oldest_due
      FROM talvix.events
     WHERE status IN ('pending', 'running')
     GROUP BY agent
)
SELECT coalesce(r.agent, b.agent) AS agent,
       coalesce(r.started, 0) AS started, coalesce(r.completed, 0) AS completed,
       coalesce(r.failed, 0) AS failed, coalesce(r.skipped, 0) AS skipped,
       round((r.failed::numeric / nullif(r.completed + r.failed + r.skipped, 0)), 4) AS failure_rate,
       round(r.p50_ms::numeric, 1) AS p50_ms, round(r.p95_ms::numeric, 1) AS p95_ms,
       coalesce(b.pending, 0) AS pending, coalesce(b.due, 0) AS due, coalesce(b.running, 0) AS running,
       round(extract(epoch FROM now() - b.oldest_due)::numeric, 1) AS oldest_due_seconds
  FROM runs r FULL JOIN backlog b ON b.agent = r.agent
 ORDER BY 1
