-- The weekly score reset. Scores older than fit_scores_keep_days (talvix.limits) are deleted and
-- their users marked fit_scores_stale; returns the users of those whose rescan can run now
-- (auto-apply on, as the scorer requires), for the caller to queue. Younger scores stay, so a
-- user's list never empties overnight; a second run finds nothing older to delete.
WITH keep AS (
    SELECT coalesce((SELECT value FROM talvix.limits WHERE name = 'fit_scores_keep_days'), 14) AS days
), expired AS (
    DELETE FROM public.job_fit_scores s USING keep
     WHERE s.scored_at < now() - make_interval(days => keep.days)
    RETURNING s.user_id
), marked AS (
    UPDATE public.users u SET fit_scores_stale = true
     WHERE u.id IN (SELECT user_id FROM expired)
    RETURNING u.id, u.auto_apply_enabled
)
SELECT (SELECT days FROM keep) AS keep_days,
       (SELECT count(*) FROM expired) AS scores_expired,
       (SELECT count(*) FROM marked) AS users_marked_stale,
       ARRAY(SELECT id FROM marked WHERE auto_apply_enabled ORDER BY id) AS rescan
