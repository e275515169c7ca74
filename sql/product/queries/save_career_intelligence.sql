-- A user's career intelligence, computed and saved in one statement; returns the saved row.
--
-- The market is talvix.market_jobs (the user's active matching jobs). The career score (0-100) is
-- the weighted mean of five components, each 0-100; the weights are the career_weight_* rows of
-- talvix.limits, and a component with nothing to measure (null) is left out and the others'
-- weights count for it:
--   skills_coverage  of all the required skills of the market's jobs (each job's own list), the
--                    share the resume has (null: no market job's skills are known)
--   experience       over the market's jobs, the mean of min(1, (years + 1) / (expected + 1)),
--                    expected being seniority_years_<level> (a job that does not say is mid; null:
--                    no market job, or no years on the resume)
--   activity         applications sent in the last career_activity_days, against
--                    career_activity_target (capped at 100)
--   outcomes         callbacks, interviews and offers per application sent in the last
--                    career_outcome_days, against career_response_target_pct (capped at 100;
--                    null: no application in that window)
--   profile          the share of eight checks passed: name, phone, a target role, cities, work
--                    modes, at least five skills, education and a past title on the resume
-- An application is sent when it has applied_at (auto-apply) or a status (the user's tracking),
-- dated by applied_at, else created_at.
--
-- Market demand: active matching jobs, those first posted (or seen) in the last
-- career_demand_window_days and in the window before; the trend is rising or falling past
-- career_demand_steady_pct either way, else steady ('new' or 'none' without a previous window).
--
-- Salary: the role category is the role family most of the market's jobs have; the band is the
-- resume's years. The benchmark is the row for that category and band in the user's city ($2, a
-- canonical city name), else the national row ('india') for that category and band, else none,
-- and salary_note says which. $1 user id, $2 the user's canonical city (NULL: national figures)
WITH settings AS (
    SELECT coalesce(max(value) FILTER (WHERE name = 'career_weight_skills'), 0) AS w_skills,
           coalesce(max(value) FILTER (WHERE name = 'career_weight_experience'), 0) AS w_experience,
           coalesce(max(value) FILTER (WHERE name = 'career_weight_activity'), 0) AS w_activity,
           coalesce(max(value) FILTER (WHERE name = 'career_weight_outcomes'), 0) AS w_outcomes,
           coalesce(max(value) FILTER (WHERE name = 'career_weight_profile'), 0) AS w_profile,
           coalesce(max(value) FILTER (WHERE name = 'career_activity_days'), 30) AS activity_days,
           greatest(coalesce(max(value) FILTER (WHERE name = 'career_activity_target'), 20), 1) AS activity_target,
           coalesce(max(value) FILTER (WHERE name = 'career_outcome_days'), 90) AS outcome_days,
           greatest(coalesce(max(value) FILTER (WHERE name = 'career_response_target_pct'), 10), 1) AS response_target_pct,
           coalesce(max(value) FILTER (WHERE name = 'career_demand_window_days'), 14) AS window_days,
           coalesce(max(value) FILTER (WHERE name = 'career_demand_steady_pct'), 10) AS steady_pct,
           coalesce(max(value) FILTER (WHERE name = 'seniority_years_intern'), 0) AS years_intern,
           coalesce(max(value) FILTER (WHERE name = 'seniority_years_junior'), 1) AS years_junior,
           coalesce(max(value) FILTER (WHERE name = 'seniority_years_mid'), 3) AS years_mid,
           coalesce(max(value) FILTER (WHERE name = 'seniority_years_senior'), 6) AS years_senior,
           coalesce(max(value) FILTER (WHERE name = 'seniority_years_lead'), 9) AS years_lead,
           coalesce(max(value) FILTER (WHERE name = 'career_insight_refresh_days'), 7) AS refresh_days
      FROM talvix.limits
), resume AS (
    SELECT r.summary FROM public.resumes r
     WHERE r.user_id = $1 AND r.parse_status = 'parsed'
     ORDER BY r.parsed_at DESC NULLS LAST, r.created_at DESC LIMIT 1
), have AS (
    SELECT skill FROM talvix.resume_skills($1) AS skill
), years AS (
    SELECT CASE jsonb_typeof(resume.summary -> 'years_experience')
           WHEN 'number' THEN (resume.summary ->> 'years_experience')::numeric END AS years
      FROM resume
), market AS (
    SELECT * FROM talvix.market_jobs($1)
), skills_part AS (
    SELECT count(*) FILTER (WHERE h.skill IS NOT NULL) AS covered, count(*) AS required
      FROM market m
      JOIN public.job_skills s ON s.job_id = m.job_id AND s.required
      LEFT JOIN have h ON h.skill = s.skill
), experience_part AS (
    SELECT count(m.job_id) AS jobs,
           avg(CASE WHEN y.years IS NOT NULL  -- least() would skip a null, not return it
                    THEN least(1.0, (y.years + 1) / (CASE m.seniority_level
                                                         WHEN 'intern' THEN st.years_intern
                                                         WHEN 'junior' THEN st.years_junior
                                                         WHEN 'senior' THEN st.years_senior
                                                         WHEN 'lead' THEN st.years_lead
                                                         ELSE st.years_mid END + 1.0)) END) AS value
      FROM market m CROSS JOIN settings st LEFT JOIN years y ON true
), applications AS (
    SELECT count(*) FILTER (WHERE sent_at >= now() - make_interval(days => st.activity_days)) AS recent,
           count(*) FILTER (WHERE sent_at >= now() - make_interval(days => st.outcome_days)) AS in_outcome_window,
           count(*) FILTER (WHERE sent_at >= now() - make_interval(days => st.outcome_days)
                              AND a.status IN ('callback', 'interview', 'offer')) AS positive
      FROM settings st
      LEFT JOIN LATERAL (SELECT coalesce(x.applied_at, x.created_at) AS sent_at, x.status
                           FROM public.job_applications x
                          WHERE x.user_id = $1 AND (x.applied_at IS NOT NULL OR x.status IS NOT NULL)) a ON true
), profile_checks AS (
    SELECT jsonb_build_object(
               'full_name', coalesce(btrim(u.full_name) <> '', false),
               'phone', coalesce(btrim(u.phone) <> '', false),
               'target_role', EXISTS (SELECT 1 FROM public.user_target_roles t WHERE t.user_id = u.id),
               'cities', CASE WHEN jsonb_typeof(u.profile -> 'cities') = 'array'
                              THEN jsonb_array_length(u.profile -> 'cities') > 0 ELSE false END,
               'work_modes', CASE WHEN jsonb_typeof(u.profile -> 'work_modes') = 'array'
                                  THEN jsonb_array_length(u.profile -> 'work_modes') > 0 ELSE false END,
               'five_skills', (SELECT count(*) FROM have) >= 5,
               'education', coalesce((SELECT CASE WHEN jsonb_typeof(r.summary -> 'education') = 'array'
                                                  THEN jsonb_array_length(r.summary -> 'education') > 0 END
                                        FROM resume r), false),
               'titles', coalesce((SELECT CASE WHEN jsonb_typeof(r.summary -> 'titles') = 'array'
                                               THEN jsonb_array_length(r.summary -> 'titles') > 0 END
                                     FROM resume r), false)) AS checks
      FROM public.users u WHERE u.id = $1
), parts AS (
    SELECT 'skills_coverage' AS name, st.w_skills AS weight,
           CASE WHEN p.required > 0 THEN p.covered::numeric / p.required END AS value,
           jsonb_build_object('covered', p.covered, 'required', p.required) AS detail
      FROM skills_part p CROSS JOIN settings st
    UNION ALL
    SELECT 'experience', st.w_experience, p.value,
           jsonb_build_object('years', (SELECT y.years FROM years y), 'jobs', p.jobs)
      FROM experience_part p CROSS JOIN settings st
    UNION ALL
    SELECT 'activity', st.w_activity, least(1.0, a.recent::numeric / st.activity_target),
           jsonb_build_object('applications', a.recent, 'days', st.activity_days, 'target', st.activity_target)
      FROM applications a CROSS JOIN settings st
    UNION ALL
    SELECT 'outcomes', st.w_outcomes,
           CASE WHEN a.in_outcome_window > 0
                THEN least(1.0, 100.0 * a.positive / a.in_outcome_window / st.response_target_pct) END,
           jsonb_build_object('applications', a.in_outcome_window, 'positive', a.positive, 'days', st.outcome_days,
                              'target_pct', st.response_target_pct)
      FROM applications a CROSS JOIN settings st
    UNION ALL
    SELECT 'profile', st.w_profile,
           (SELECT count(*) FILTER (WHERE e.value = 'true'::jsonb)::numeric / count(*) FROM jsonb_each(c.checks) e),
           jsonb_build_object('checks', c.checks)
      FROM profile_checks c CROSS JOIN settings st
), scored AS (
    SELECT jsonb_object_agg(p.name, p.detail || jsonb_build_object('score', round(100 * p.value, 1), 'weight', p.weight))
               AS components,
           -- from the components as shown (one decimal), so anyone can redo the sum
           coalesce(round(sum(p.weight * round(100 * p.value, 1)) FILTER (WHERE p.value IS NOT NULL)
                          / nullif(sum(p.weight) FILTER (WHERE p.value IS NOT NULL), 0)), 0) AS score
      FROM parts p
), demand AS (
    SELECT count(m.job_id) AS active_jobs,
           count(*) FILTER (WHERE m.seen_at >= now() - make_interval(days => st.window_days)) AS last_window,
           count(*) FILTER (WHERE m.seen_at < now() - make_interval(days => st.window_days)
                              AND m.seen_at >= now() - make_interval(days => 2 * st.window_days)) AS previous_window
      FROM settings st LEFT JOIN market m ON true
     GROUP BY st.window_days
), category AS (
    SELECT m.role_family FROM market m
     WHERE m.role_family IS NOT NULL AND m.role_family <> 'other'
     GROUP BY m.role_family ORDER BY count(*) DESC, m.role_family LIMIT 1
), benchmark AS (
    SELECT b.* FROM public.salary_benchmarks b, category c, years y
     WHERE b.role_category = c.role_family AND (b.city = $2::text OR b.city = 'india')
       AND b.exp_years_min <= y.years AND (b.exp_years_max IS NULL OR y.years < b.exp_years_max)
     ORDER BY b.city = 'india', b.data_month DESC, b.id
     LIMIT 1
)
INSERT INTO public.career_intelligence AS ci
       (user_id, career_score, score_components, market_demand, salary_role_category, salary_city, salary_exp_years,
        salary_p25_lpa, salary_p50_lpa, salary_p75_lpa, salary_p90_lpa, salary_note, computed_at, next_refresh_at)
SELECT $1, s.score, s.components,
       jsonb_build_object(
           'active_jobs', d.active_jobs, 'window_days', st.window_days,
           'last_window', d.last_window, 'previous_window', d.previous_window,
           'trend_pct', CASE WHEN d.previous_window > 0
                             THEN round(100.0 * (d.last_window - d.previous_window) / d.previous_window, 1) END,
           'trend', CASE WHEN d.previous_window = 0 THEN CASE WHEN d.last_window > 0 THEN 'new' ELSE 'none' END
                         WHEN 100.0 * (d.last_window - d.previous_window) / d.previous_window > st.steady_pct THEN 'rising'
                         WHEN 100.0 * (d.last_window - d.previous_window) / d.previous_window < -st.steady_pct THEN 'falling'
                         ELSE 'steady' END),
       c.role_family, b.city, y.years, b.p25_lpa, b.p50_lpa, b.p75_lpa, b.p90_lpa,
       CASE WHEN b.id IS NOT NULL
            THEN format('%s in %s for %s%s years (%s): %s', b.role_category,
                        CASE WHEN b.city = 'india' THEN 'India' ELSE b.city END,
                        trim_scale(b.exp_years_min), coalesce('-' || trim_scale(b.exp_years_max), '+'),
                        CASE WHEN b.city = $2::text THEN 'the user''s city'
                             WHEN $2::text IS NULL THEN 'no city in the profile: national figures'
                             ELSE format('no benchmark for %s: national figures', $2::text) END,
                        b.source)
            WHEN c.role_family IS NULL THEN 'no salary benchmark: none of the matching jobs has a role family yet'
            WHEN y.years IS NULL THEN 'no salary benchmark: the resume gives no years of experience'
            ELSE format('no salary benchmark for %s at %s years', c.role_family, y.years) END,
       now(), now() + make_interval(days => st.refresh_days)
  FROM settings st
 CROSS JOIN scored s
 CROSS JOIN demand d
  LEFT JOIN years y ON true
  LEFT JOIN category c ON true
  LEFT JOIN benchmark b ON true
ON CONFLICT (user_id) DO UPDATE
   SET career_score = EXCLUDED.career_score, score_components = EXCLUDED.score_components,
       market_demand = EXCLUDED.market_demand, salary_role_category = EXCLUDED.salary_role_category,
       salary_city = EXCLUDED.salary_city, salary_exp_years = EXCLUDED.salary_exp_years,
       salary_p25_lpa = EXCLUDED.salary_p25_lpa, salary_p50_lpa = EXCLUDED.salary_p50_lpa,
       salary_p75_lpa = EXCLUDED.salary_p75_lpa, salary_p90_lpa = EXCLUDED.salary_p90_lpa,
       salary_note = EXCLUDED.salary_note, computed_at = EXCLUDED.computed_at,
       next_refresh_at = EXCLUDED.next_refresh_at
RETURNING ci.*
