-- What a run found. $1 run id, $2 status, $3 scraped, $4 new, $5 refreshed, $6 malformed,
-- $7 per-source counts (jsonb), $8 per-source failures (jsonb), $9 jobs marked stale, $10 jobs deleted
UPDATE public.scrape_runs
   SET status = $2, total_scraped = $3, total_new = $4, total_refreshed = $5, total_malformed = $6,
       source_counts = $7, source_failures = $8, jobs_marked_stale = $9, jobs_deleted = $10, completed_at = now()
 WHERE id = $1
