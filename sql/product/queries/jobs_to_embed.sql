-- What to embed for these jobs (title, the cleaner's summary and required skills, or the opening
-- of the description), with the hash of the embedding stored now if any, so that only new or
-- changed jobs are sent to the embeddings endpoint.
-- $1 job ids (NULL = every active job), $2 model
SELECT j.id AS job_id,
       concat_ws(E'\n', j.title,
                 coalesce(j.jd_summary, left(j.description, 1000)),
                 (SELECT string_agg(s.skill, ', ' ORDER BY s.skill) FROM public.job_skills s
                   WHERE s.job_id = j.id AND s.required)) AS text,
       e.source_hash
  FROM public.jobs j
  LEFT JOIN public.job_embeddings e ON e.job_id = j.id AND e.model = $2
 WHERE j.is_active AND ($1::bigint[] IS NULL OR j.id = ANY($1::bigint[]))
 ORDER BY j.id
