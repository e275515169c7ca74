-- The user's skill-gap report as JSON (written by the skill_gap agent), or none yet.
-- $1 user id
SELECT to_jsonb(g) FROM public.skill_gap_results g WHERE g.user_id = $1 LIMIT 1
