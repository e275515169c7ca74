-- A career_intelligence run starts: the user's flag is cleared before anything is read, so a change
-- that lands during the run sets it again and queues the next run. Returns what decides whether
-- there is anything to compute (no row: the user no longer exists) and the user's first city, for
-- the salary benchmark. $1 user id
UPDATE public.users u SET career_intel_stale = false
 WHERE u.id = $1
RETURNING u.id,
          EXISTS (SELECT 1 FROM public.resumes r WHERE r.user_id = u.id AND r.parse_status = 'parsed') AS has_parsed_resume,
          (SELECT count(*) FROM public.resumes r WHERE r.user_id = u.id) AS resumes,
          (SELECT r.parse_status FROM public.resumes r WHERE r.user_id = u.id
            ORDER BY r.created_at DESC, r.id LIMIT 1) AS latest_parse_status,
          (SELECT r.parse_error FROM public.resumes r WHERE r.user_id = u.id
            ORDER BY r.created_at DESC, r.id LIMIT 1) AS latest_parse_error,
          CASE jsonb_typeof(u.profile -> 'cities') WHEN 'array' THEN u.profile -> 'cities' ->> 0 END AS city
