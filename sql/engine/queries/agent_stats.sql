-- Per agent, over a window: finished runs by status, failure rate, p50/p95 duration, the backlog,
-- its oldest due age, and which workers hold events now. Runs come from talvix.run_rollups
-- (5-minute buckets, so the window starts at the bucket holding now() - $1); p50/p95 come from
-- its histogram and are within about 12% of the exact value.
-- $1 window (interval)
WITH buckets AS MATERIALIZED (
    SELECT * FROM talvix.run_rollups
     WHERE bucket >= date_bin('5 minutes', now() - $1::interval, timestamptz '2000-01-01 00:00:00+00')
), histograms AS (
    -- Element-wise sums, unnested: twice as fast as folding arrays pairwise.
    SELECT agent, array_agg(runs ORDER BY i) AS durations
      FROM (SELECT agent, i, sum(n)::bigint AS runs
              FROM buckets, unnest(durations) WITH ORDINALITY AS u (n, i) GROUP BY 1, 2) per_bucket
     GROUP BY agent
), runs AS (
    SELECT agent, sum(completed) AS completed, sum(failed) AS failed, sum(skipped) AS skipped, h.durations
      FROM buckets JOIN histograms h USING (agent)
     GROUP BY agent, h.durations
), backlog AS (
    SELECT agent,
           count(*) FILTER (WHERE status = 'pending')                        AS pending,
           count(*) FILTER (WHERE status = 'pending' AND run_after <= now()) AS due,
           count(*) FILTER (WHERE status = 'running')                        AS running,
           min(run_after) FILTER (WHERE status = 'pending' AND run_after <= now()) AS oldest_due,
           string_agg(DISTINCT worker_id, ', ') FILTER (WHERE status = 'running') AS workers
      FROM talvix.events
     WHERE status IN ('pending', 'running')
     GROUP BY agent
)
SELECT coalesce(r.agent, b.agent) AS agent,
       coalesce(r.completed, 0)::bigint AS completed, coalesce(r.failed, 0)::bigint AS failed,
       coalesce(r.skipped, 0)::bigint AS skipped,
       round(r.failed / nullif(r.completed + r.failed + r.skipped, 0), 4)::float8 AS failure_rate,
       talvix.duration_quantile(r.durations, 0.5) AS p50_ms, talvix.duration_quantile(r.durations, 0.95) AS p95_ms,
       coalesce(b.pending, 0) AS pending, coalesce(b.due, 0) AS due, coalesce(b.running, 0) AS running,
       round(extract(epoch FROM now() - b.oldest_due)::numeric, 1)::float8 AS oldest_due_seconds, b.workers
  FROM runs r FULL JOIN backlog b ON b.agent = r.agent
 ORDER BY 1
