-- A run begins (again, after a retry: its counts start over). $1 run id
UPDATE public.scrape_runs
   SET status = 'running', started_at = now(), completed_at = NULL, total_scraped = 0, total_new = 0,
       total_refreshed = 0, total_malformed = 0, source_counts = '{}', source_failures = '{}'
 WHERE id = $1
