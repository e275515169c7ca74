-- What a discovery run found, board by board. $1 the run
SELECT r.status, s.key AS board, s.value::int AS jobs_listed, r.total_new, r.total_refreshed, r.total_malformed,
       r.source_failures ->> s.key AS failure
  FROM public.scrape_runs r
 CROSS JOIN LATERAL jsonb_each_text(r.source_counts) s
 WHERE r.id = $1
 ORDER BY s.key
