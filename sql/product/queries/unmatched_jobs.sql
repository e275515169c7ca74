-- The next jobs for a delta pass: active, in no pass yet, and read by jd_cleaner (or waiting for
-- it longer than talvix.limits says, so a stuck cleaner delays matching but never stops it).
-- $1 how many
SELECT id
  FROM public.jobs
 WHERE matched_at IS NULL
   AND is_active
   AND (jd_cleaned
        OR first_seen_at < now() - make_interval(mins => (SELECT value FROM talvix.limits
                                                          WHERE name = 'fit_match_uncleaned_after_minutes')))
 ORDER BY id
 LIMIT $1
