-- Each user's nearest jobs by cosine distance (pgvector), as ranks for match_jobs.sql to fuse with
-- the full-text ranking. Only vectors of the same model are compared. Run only where pgvector is
-- installed in schema extensions (the matcher checks first); the arrays are cast at query time.
-- $1 user ids, $2 job ids (NULL = every active job), $3 model, $4 ranks per user
SELECT u.user_id, nearest.job_id, nearest.vector_rank::int
  FROM public.user_embeddings u
 CROSS JOIN LATERAL (
       SELECT e.job_id,
              row_number() OVER (ORDER BY e.embedding::extensions.vector
                                          OPERATOR(extensions.<=>) u.embedding::extensions.vector, e.job_id)
                  AS vector_rank
         FROM public.job_embeddings e
         JOIN public.jobs j ON j.id = e.job_id AND j.is_active
        WHERE e.model = u.model AND ($2::bigint[] IS NULL OR e.job_id = ANY($2::bigint[]))
        ORDER BY e.embedding::extensions.vector OPERATOR(extensions.<=>) u.embedding::extensions.vector, e.job_id
        LIMIT $4) nearest
 WHERE u.user_id = ANY($1::uuid[]) AND u.model = $3
