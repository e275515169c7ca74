-- The user's career intelligence as JSON (written by the career_intelligence agent), or none yet.
-- $1 user id
SELECT to_jsonb(c) FROM public.career_intelligence c WHERE c.user_id = $1 LIMIT 1
