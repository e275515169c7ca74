-- The user's fit scores must be computed again (new resume, new targets) or are fresh again.
-- $1 user id, $2 stale
UPDATE public.users SET fit_scores_stale = $2 WHERE id = $1
