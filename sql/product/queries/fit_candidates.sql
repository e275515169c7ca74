-- The fit scorer's deterministic pre-filter: pairs of (eligible user, active job) worth showing the
-- model. Eligible: auto-apply on and a parsed resume. Dropped before any model call: jobs already
-- scored for the user (unless rescoring), blacklisted companies, titles matching none of the user's
-- target roles (when they have some), work modes outside the user's profile.work_modes, and
-- non-remote jobs in none of the user's profile.cities (when they list some).
-- $1 user id (NULL = every eligible user), $2 rescore already-scored jobs, $3 limit
WITH eligible AS (
    SELECT u.id AS user_id, u.fit_score_threshold, u.profile, r.summary
      FROM public.users u
      JOIN LATERAL (SELECT summary FROM public.resumes
                     WHERE user_id = u.id AND parse_status = 'parsed'
                     ORDER BY parsed_at DESC LIMIT 1) r ON true
     WHERE u.auto_apply_enabled AND ($1::uuid IS NULL OR u.id = $1)
)
SELECT e.user_id, e.fit_score_threshold, e.summary,
       j.id AS job_id, j.title, j.company, j.location, j.work_mode, j.platform, left(j.description, 4000) AS description
  FROM eligible e
  JOIN public.jobs j ON j.is_active
 WHERE ($2 OR NOT EXISTS (SELECT 1 FROM public.job_fit_scores s WHERE s.user_id = e.user_id AND s.job_id = j.id))
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
 ORDER BY e.user_id, j.id
 LIMIT $3
