-- A user's skill gaps, computed and saved in one statement; returns the saved row.
--
-- The market is talvix.market_jobs (the user's active matching jobs), counting only jobs whose
-- required skills are known (read by jd_cleaner): `market_jobs`. The user has a skill when their
-- latest parsed resume lists it (summary.skills, or a key of summary.skill_years), compared in lower
-- case. For every required skill of the market the user lacks:
--   required_by     market jobs that require it;  importance_pct = 100 * required_by / market_jobs
--   unlocks_all     market jobs where it is the only required skill missing: learning it covers
--                   all of their required skills
--   unlocks_most    market jobs that would go from under `skill_gap_most_pct` % of their required
--                   skills covered to at least that
--   est_hours       talvix.skill_learning_hours of the skill's category (talvix.skill_categories;
--                   'other' when it has none)
-- Ranked by required_by + unlocks_all + unlocks_most (each job that asks for it counts once, and
-- once more for each step it would bring that job over), then by required_by, then by fewer hours,
-- then by name; the best `skill_gap_top_n` are kept, `roi_rank` 1 first. Nice-to-have skills never
-- count. $1 user id
WITH settings AS (
    SELECT coalesce(max(value) FILTER (WHERE name = 'skill_gap_top_n'), 10) AS top_n,
           coalesce(max(value) FILTER (WHERE name = 'skill_gap_most_pct'), 80) AS most_pct,
           coalesce(max(value) FILTER (WHERE name = 'career_insight_refresh_days'), 7) AS refresh_days
      FROM talvix.limits
), have AS (
    SELECT skill FROM talvix.resume_skills($1) AS skill
), needs AS (
    SELECT s.job_id, s.skill, h.skill IS NOT NULL AS known
      FROM talvix.market_jobs($1) m
      JOIN public.job_skills s ON s.job_id = m.job_id AND s.required
      LEFT JOIN have h ON h.skill = s.skill
), per_job AS (
    SELECT n.job_id, count(*) AS required, count(*) FILTER (WHERE n.known) AS covered
      FROM needs n GROUP BY n.job_id
), gaps AS (
    SELECT n.skill,
           count(*) AS required_by,
           count(*) FILTER (WHERE j.required - j.covered = 1) AS unlocks_all,
           count(*) FILTER (WHERE j.covered * 100 < st.most_pct * j.required
                              AND (j.covered + 1) * 100 >= st.most_pct * j.required) AS unlocks_most
      FROM needs n JOIN per_job j ON j.job_id = n.job_id CROSS JOIN settings st
     WHERE NOT n.known
     GROUP BY n.skill
), ranked AS (
    SELECT g.*, coalesce(c.category, 'other') AS category,
           coalesce(h.hours, other.hours) AS est_hours,
           round(100.0 * g.required_by / (SELECT count(*) FROM per_job), 1) AS importance_pct,
           row_number() OVER (ORDER BY g.required_by + g.unlocks_all + g.unlocks_most DESC, g.required_by DESC,
                                       coalesce(h.hours, other.hours), g.skill) AS roi_rank
      FROM gaps g
      LEFT JOIN talvix.skill_categories c ON c.skill = g.skill
      LEFT JOIN talvix.skill_learning_hours h ON h.category = c.category
      LEFT JOIN talvix.skill_learning_hours other ON other.category = 'other'
), result AS (
    SELECT coalesce(jsonb_agg(jsonb_build_object(
               'skill', r.skill, 'category', r.category, 'required_by', r.required_by,
               'importance_pct', r.importance_pct, 'unlocks_all', r.unlocks_all, 'unlocks_most', r.unlocks_most,
               'est_hours', r.est_hours, 'roi_rank', r.roi_rank) ORDER BY r.roi_rank)
             FILTER (WHERE r.roi_rank <= st.top_n), '[]'::jsonb) AS top_gaps,
           (SELECT count(*) FROM per_job) AS market_jobs
      FROM settings st LEFT JOIN ranked r ON true
     GROUP BY st.top_n
)
INSERT INTO public.skill_gap_results AS g (user_id, top_gaps, market_jobs, computed_at, next_refresh_at)
SELECT $1, result.top_gaps, result.market_jobs, now(), now() + make_interval(days => st.refresh_days)
  FROM result CROSS JOIN settings st
ON CONFLICT (user_id) DO UPDATE
   SET top_gaps = EXCLUDED.top_gaps, market_jobs = EXCLUDED.market_jobs,
       computed_at = EXCLUDED.computed_at, next_refresh_at = EXCLUDED.next_refresh_at
RETURNING g.user_id, g.top_gaps, g.market_jobs, g.computed_at, g.next_refresh_at
