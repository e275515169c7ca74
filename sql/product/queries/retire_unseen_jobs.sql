-- Jobs no board has listed for a while: inactive after `jobs_stale_after_days`, deleted after
-- `jobs_deleted_after_days` (talvix.limits). Returns how many of each.
WITH days AS (
    SELECT coalesce((SELECT value FROM talvix.limits WHERE name = 'jobs_stale_after_days'), 14) AS stale,
           coalesce((SELECT value FROM talvix.limits WHERE name = 'jobs_deleted_after_days'), 30) AS dead
), deleted AS (
    DELETE FROM public.jobs j USING days
     WHERE j.last_seen_at < now() - make_interval(days => days.dead)
    RETURNING j.id
), stale AS (
    UPDATE public.jobs j SET is_active = false
      FROM days
     WHERE j.is_active AND j.last_seen_at < now() - make_interval(days => days.stale)
       AND j.id NOT IN (SELECT id FROM deleted)
    RETURNING j.id
)
SELECT (SELECT count(*) FROM stale) AS stale, (SELECT count(*) FROM deleted) AS deleted
