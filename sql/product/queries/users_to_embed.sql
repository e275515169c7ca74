-- What to embed for each eligible user (the one whose candidates are searched, or all): their
-- target roles and their resume's titles and skills; with the stored hash, so only
-- changed users are embedded again.
-- $1 user id (NULL = every eligible user), $2 model
SELECT u.id AS user_id,
       concat_ws(E'\n',
                 (SELECT string_agg(t.role_title, ', ' ORDER BY t.role_title) FROM public.user_target_roles t
                   WHERE t.user_id = u.id),
                 (SELECT string_agg(x, ', ') FROM jsonb_array_elements_text(
                     CASE jsonb_typeof(r.summary -> 'titles') WHEN 'array' THEN r.summary -> 'titles' END) x),
                 (SELECT string_agg(x, ', ') FROM jsonb_array_elements_text(
                     CASE jsonb_typeof(r.summary -> 'skills') WHEN 'array' THEN r.summary -> 'skills' END) x)) AS text,
       e.source_hash
  FROM public.users u
  JOIN LATERAL (SELECT summary FROM public.resumes
                 WHERE user_id = u.id AND parse_status = 'parsed'
                 ORDER BY parsed_at DESC LIMIT 1) r ON true
  LEFT JOIN public.user_embeddings e ON e.user_id = u.id AND e.model = $2
 WHERE u.auto_apply_enabled AND ($1::uuid IS NULL OR u.id = $1)
 ORDER BY u.id
