-- The daily refresh: every user with a parsed resume whose skill gaps or career intelligence are
-- due (none yet, or past next_refresh_at) is marked stale, which queues their runs through the
-- watches on users (one pending event per user and agent). A flag already set is set again, so a
-- user whose run never cleared it is queued once more. Returns how many of each were marked.
WITH due AS (
    SELECT u.id,
           (g.user_id IS NULL OR g.next_refresh_at <= now()) AS gap_due,
           (c.user_id IS NULL OR c.next_refresh_at <= now()) AS career_due
      FROM public.users u
      LEFT JOIN public.skill_gap_results g ON g.user_id = u.id
      LEFT JOIN public.career_intelligence c ON c.user_id = u.id
     WHERE EXISTS (SELECT 1 FROM public.resumes r WHERE r.user_id = u.id AND r.parse_status = 'parsed')
), marked AS (
    UPDATE public.users u
       SET skill_gap_stale = u.skill_gap_stale OR d.gap_due,
           career_intel_stale = u.career_intel_stale OR d.career_due
      FROM due d
     WHERE u.id = d.id AND (d.gap_due OR d.career_due)
    RETURNING d.gap_due, d.career_due
)
SELECT count(*) FILTER (WHERE gap_due) AS skill_gap, count(*) FILTER (WHERE career_due) AS career_intelligence
  FROM marked
