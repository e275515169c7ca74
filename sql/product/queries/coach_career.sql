-- The user's career intelligence as JSON, whatever its columns (public.career_intelligence is the
-- career_intelligence agent's, migration 028). Run only when relation_exists says it is there.
-- $1 user id
SELECT to_jsonb(c) FROM public.career_intelligence c WHERE c.user_id = $1 LIMIT 1
