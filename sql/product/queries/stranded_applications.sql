-- Applications stranded mid-apply: 'in_progress' or 'submitting', untouched for $1 seconds, with no
-- run holding their advisory lock (try_lock_application.sql) and no auto_apply event left to run
-- them (its attempts ran out, or an operator cancelled it). apply_recovery settles each one.
SELECT a.id, a.auto_status, a.retry_count
  FROM public.job_applications a
 WHERE a.auto_status IN ('in_progress', 'submitting')
   AND a.updated_at < now() - make_interval(secs => $1)
   AND NOT EXISTS (
         SELECT 1 FROM pg_locks l
          WHERE l.locktype = 'advisory' AND l.granted
            AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('talvix.apply:' || a.id::text, 0))
   AND NOT EXISTS (
         SELECT 1 FROM talvix.events e
          WHERE e.agent = 'auto_apply' AND e.status IN ('pending', 'running')
            AND (e.payload ->> 'application_id' = a.id::text OR e.payload -> 'row' ->> 'id' = a.id::text))
 ORDER BY a.updated_at
 LIMIT 500
