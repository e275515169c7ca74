-- The user's skill-gap report as JSON, whatever its columns (public.skill_gap_results is the
-- skill_gap agent's, migration 028). Run only when relation_exists says the table is there.
-- $1 user id
SELECT to_jsonb(g) FROM public.skill_gap_results g WHERE g.user_id = $1 LIMIT 1
