-- The fit scorer's candidates: for each eligible user, the best `top_k` jobs worth a model call,
-- in one statement for every user at once.
--
-- Eligible: auto-apply on and a parsed resume. Filtered out first, as the earlier backend did:
-- jobs already scored for the user (unless rescoring), blacklisted companies, titles matching none
-- of the user's target roles (when they have some), work modes outside profile.work_modes, and
-- non-remote jobs in none of profile.cities (when they list some).
--
-- Ranked twice and fused by reciprocal rank (k = 60): by full text (the user's target roles, past
-- titles and skills as an OR query over jobs.search, ts_rank_cd) and, when the caller passes them,
-- by embedding similarity (ranks computed by vector_ranks.sql). A job in neither ranking can still
-- be picked, newest first, when fewer than top_k jobs rank.
--
-- $1 user id (NULL = every eligible user), $2 job ids (NULL = every active job), $3 rescore jobs
-- already scored, $4 top_k per user, $5 $6 $7 the vector ranking as parallel arrays of user id,
-- job id and rank (empty without embeddings)
WITH eligible AS MATERIALIZED (  -- each user's query is built once, not once per job

    SELECT u.id AS user_id, u.fit_score_threshold, u.profile, r.summary,
           (SELECT websearch_to_tsquery('english', string_agg('"' || replace(term, '"', ' ') || '"', ' OR '))
              FROM (SELECT t.role_title AS term FROM public.user_target_roles t WHERE t.user_id = u.id
                    UNION
                    SELECT jsonb_array_elements_text(CASE jsonb_typeof(r.summary -> 'titles')
                                                     WHEN 'array' THEN r.summary -> 'titles' END)
                    UNION
                    SELECT jsonb_array_elements_text(CASE jsonb_typeof(r.summary -> 'skills')
                                                     WHEN 'array' THEN r.summary -> 'skills' END)) terms
             WHERE term ~ '\w') AS query
      FROM public.users u
      JOIN LATERAL (SELECT summary FROM public.resumes
                     WHERE user_id = u.id AND parse_status = 'parsed'
                     ORDER BY parsed_at DESC LIMIT 1) r ON true
     WHERE u.auto_apply_enabled AND ($1::uuid IS NULL OR u.id = $1)
), vector_ranking AS (
    SELECT * FROM unnest($5::uuid[], $6::bigint[], $7::int[]) AS v (user_id, job_id, vector_rank)
), candidates AS (
    SELECT e.user_id, e.fit_score_threshold, e.summary,
           j.id AS job_id, j.title, j.company, j.location, j.work_mode, j.platform, j.posted_at,
           left(j.description, 4000) AS description,
           CASE WHEN j.search @@ e.query THEN ts_rank_cd(j.search, e.query) END AS text_score
      FROM eligible e
      JOIN public.jobs j ON j.is_active AND ($2::bigint[] IS NULL OR j.id = ANY($2::bigint[]))
     WHERE ($3 OR NOT EXISTS (SELECT 1 FROM public.job_fit_scores s WHERE s.user_id = e.user_id AND s.job_id = j.id))
       AND NOT EXISTS (SELECT 1 FROM public.user_company_prefs p
                        WHERE p.user_id = e.user_id AND p.pref_type = 'blacklist' AND lower(p.company) = lower(j.company))
       AND (NOT EXISTS (SELECT 1 FROM public.user_target_roles t WHERE t.user_id = e.user_id)
            OR EXISTS (SELECT 1 FROM public.user_target_roles t
                        WHERE t.user_id = e.user_id AND strpos(lower(j.title), lower(t.role_title)) > 0))
       AND (jsonb_typeof(e.profile -> 'work_modes') IS DISTINCT FROM 'array' OR j.work_mode = 'unknown'
            OR e.profile -> 'work_modes' ? j.work_mode)
       AND (jsonb_typeof(e.profile -> 'cities') IS DISTINCT FROM 'array' OR j.work_mode = 'remote' OR j.location IS NULL
            OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(e.profile -> 'cities') c
                        WHERE strpos(lower(j.location), lower(c)) > 0))
), ranked AS (
    SELECT c.*, v.vector_rank,
           CASE WHEN c.text_score IS NOT NULL
                THEN row_number() OVER (PARTITION BY c.user_id
                                        ORDER BY c.text_score IS NULL, c.text_score DESC, c.job_id DESC) END AS text_rank
      FROM candidates c
      LEFT JOIN vector_ranking v ON v.user_id = c.user_id AND v.job_id = c.job_id
), fused AS (
    SELECT r.*,
           coalesce(1.0 / (60 + r.text_rank), 0) + coalesce(1.0 / (60 + r.vector_rank), 0) AS rrf_score
      FROM ranked r
), placed AS (
    SELECT f.*,
           row_number() OVER (PARTITION BY f.user_id
                              ORDER BY f.rrf_score DESC, f.posted_at DESC NULLS LAST, f.job_id DESC) AS place
      FROM fused f
)
SELECT user_id, fit_score_threshold, summary, job_id, title, company, location, work_mode, platform, description,
       text_rank, vector_rank, rrf_score, place
  FROM placed
 WHERE place <= $4
 ORDER BY user_id, place
