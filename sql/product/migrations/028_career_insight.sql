-- Career insight: a user's skill gaps (handlers/agents/skill_gap.py) and career intelligence
-- (handlers/agents/career_intelligence.py), both computed in SQL from the parsed resume, the user's
-- target roles and the jobs of their market. No model is called.
--
--   resume parsed, target roles added/changed/removed, profile edited ──► users.skill_gap_stale and
--   users.career_intel_stale set ──► (watches on users, one pending event per user) ──►
--   skill_gap ──► skill_gap_results          career_intelligence ──► career_intelligence
--   career_insight_refresh (daily, the UTC minute is data) ──► marks stale every user whose result
--   is `career_insight_refresh_days` (7) old, or who has none yet ──► the same two agents
--
-- A run clears its flag when it starts, before it reads anything: a change that lands while it runs
-- sets the flag again and queues the next run.

-- Whether the user's result must be computed again. False for a new user: there is nothing to
-- compute until a resume is parsed, and the parse sets them.
ALTER TABLE public.users
    ADD COLUMN skill_gap_stale    boolean NOT NULL DEFAULT false,
    ADD COLUMN career_intel_stale boolean NOT NULL DEFAULT false;

-- ------------------------------------------------------------------------------ learning hours
-- Estimated hours of focused study to reach working proficiency in one skill, by kind of skill,
-- for someone already working in tech. They are editable estimates, not measurements: a language
-- takes longer than a library of one, a cloud platform longer than one database. A skill no row
-- of skill_categories names is 'other'.
CREATE TABLE talvix.skill_learning_hours (
    category text PRIMARY KEY CHECK (category ~ '^[a-z_]{1,40}$'),
    hours    integer NOT NULL CHECK (hours BETWEEN 1 AND 2000),
    note     text
);
INSERT INTO talvix.skill_learning_hours (category, hours, note) VALUES
    ('language', 100, 'a programming language: syntax, standard library, idioms, tooling'),
    ('framework', 50, 'a framework or library on a language one already knows'),
    ('database', 40, 'a database or query language: modelling, queries, indexes'),
    ('cloud', 80, 'a cloud platform: its core services, IAM, networking, one associate-level certification'),
    ('devops', 60, 'containers, orchestration, infrastructure as code, CI/CD'),
    ('data', 60, 'a data engineering or analytics tool'),
    ('ml', 150, 'machine learning and its frameworks: the maths as well as the library'),
    ('web', 30, 'web fundamentals (markup, styling)'),
    ('testing', 30, 'a testing tool or framework'),
    ('tool', 20, 'an everyday tool (version control, spreadsheets, trackers)'),
    ('design', 40, 'a design tool'),
    ('other', 40, 'any skill no row of talvix.skill_categories names');

CREATE TABLE talvix.skill_categories (
    skill    text PRIMARY KEY CHECK (skill = lower(skill) AND char_length(skill) BETWEEN 1 AND 60),
    category text NOT NULL REFERENCES talvix.skill_learning_hours (category) ON UPDATE CASCADE
);
INSERT INTO talvix.skill_categories (skill, category)
SELECT s, 'language' FROM unnest('{python,java,javascript,typescript,go,golang,rust,c++,c#,kotlin,swift,scala,ruby,php,r}'::text[]) s
UNION ALL
SELECT s, 'framework' FROM unnest('{react,angular,vue,node,node.js,express,django,flask,fastapi,spring,spring boot,next.js,flutter,react native,graphql,asyncio,.net}'::text[]) s
UNION ALL
SELECT s, 'database' FROM unnest('{sql,postgres,postgresql,mysql,mongodb,redis,elasticsearch,cassandra,dynamodb,oracle}'::text[]) s
UNION ALL
SELECT s, 'cloud' FROM unnest('{aws,gcp,azure}'::text[]) s
UNION ALL
SELECT s, 'devops' FROM unnest('{docker,kubernetes,terraform,ansible,jenkins,ci/cd,linux,helm,prometheus}'::text[]) s
UNION ALL
SELECT s, 'data' FROM unnest('{pandas,numpy,spark,airflow,kafka,tableau,power bi,etl,dbt,hadoop,excel}'::text[]) s
UNION ALL
SELECT s, 'ml' FROM unnest('{machine learning,deep learning,pytorch,tensorflow,llm,nlp,computer vision,scikit-learn}'::text[]) s
UNION ALL
SELECT s, 'web' FROM unnest('{html,css}'::text[]) s
UNION ALL
SELECT s, 'testing' FROM unnest('{selenium,cypress,pytest,jest,playwright}'::text[]) s
UNION ALL
SELECT s, 'tool' FROM unnest('{git,jira}'::text[]) s
UNION ALL
SELECT s, 'design' FROM unnest('{figma}'::text[]) s;

-- ---------------------------------------------------------------------------- salary benchmarks
-- Salary percentiles (lakh rupees a year, CTC) by role category (the role families jd_cleaner
-- reads), city (the canonical names of job discovery; 'india' is the national row) and experience
-- band [exp_years_min, exp_years_max), NULL max meaning open-ended.
--
-- THE SEED IS ILLUSTRATIVE. No public source we found publishes p25/p50/p75/p90 by role, city and
-- experience band, so the seed rows are our own spread around the few figures that published
-- surveys do give, and their sample_size is NULL (unknown). The anchors:
--   * Instahyre, "Product-Tech PayCheck 2025" (54,000+ candidate profiles, 14,000 recruiter
--     conversations; reported by Hindustan Times, 2025-11-03, and storyboard18): Python freshers
--     up to ~11.5 LPA, backend engineers with 10+ years up to ~49.4 LPA, senior (6+ years) frontend
--     up to ~36.3 LPA, entry-level frontend down ~1.5 LPA, Kubernetes engineers from ~6.2 LPA,
--     AWS team leads up to ~35.9 LPA; Bengaluru the largest hiring market.
--   * TeamLease Digital, "Digital Skills & Salary Primer FY2025" (reported by Business Today,
--     2024-08-27): AI/ML engineers in GCCs from ~8.2 LPA to ~43 LPA at 8+ years.
-- City rows are the national rows scaled by our own assumption (Bengaluru +15 %, Hyderabad +5 %,
-- Pune +0 %). Replace the seed with licensed survey data before showing figures as facts.
CREATE TABLE public.salary_benchmarks (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role_category text NOT NULL CHECK (role_category IN (
                      'backend', 'frontend', 'fullstack', 'mobile', 'data_engineering', 'data_science',
                      'machine_learning', 'devops', 'qa', 'security', 'product', 'design', 'other')),
    city          text NOT NULL CHECK (city = lower(city) AND char_length(city) BETWEEN 1 AND 60),
    exp_years_min numeric(4, 1) NOT NULL CHECK (exp_years_min >= 0),
    exp_years_max numeric(4, 1) CHECK (exp_years_max > exp_years_min),
    p25_lpa       numeric(6, 2) NOT NULL CHECK (p25_lpa > 0),
    p50_lpa       numeric(6, 2) NOT NULL,
    p75_lpa       numeric(6, 2) NOT NULL,
    p90_lpa       numeric(6, 2) NOT NULL,
    sample_size   integer CHECK (sample_size > 0),        -- NULL: unknown (the illustrative seed)
    data_month    date NOT NULL CHECK (data_month = date_trunc('month', data_month)::date),
    source        text NOT NULL CHECK (char_length(source) BETWEEN 1 AND 500),
    CHECK (p25_lpa <= p50_lpa AND p50_lpa <= p75_lpa AND p75_lpa <= p90_lpa),
    UNIQUE (role_category, city, exp_years_min)
);
INSERT INTO public.salary_benchmarks
    (role_category, city, exp_years_min, exp_years_max, p25_lpa, p50_lpa, p75_lpa, p90_lpa, data_month, source)
SELECT b.role_category, b.city, b.lo, b.hi, b.p25, b.p50, b.p75, b.p90, b.month::date,
       'illustrative: ' || b.anchor
  FROM (VALUES
    ('backend', 'india', 0, 3, 5.0, 8.0, 11.5, 16.0, '2025-01-01', 'spread around Instahyre Product-Tech PayCheck 2025 (Python freshers up to ~11.5 LPA)'),
    ('backend', 'india', 3, 6, 10.0, 15.0, 21.0, 28.0, '2025-01-01', 'interpolated between Instahyre Product-Tech PayCheck 2025 anchors'),
    ('backend', 'india', 6, 10, 18.0, 26.0, 35.0, 45.0, '2025-01-01', 'interpolated between Instahyre Product-Tech PayCheck 2025 anchors'),
    ('backend', 'india', 10, NULL, 28.0, 38.0, 49.4, 65.0, '2025-01-01', 'spread around Instahyre Product-Tech PayCheck 2025 (10+ years up to ~49.4 LPA)'),
    ('backend', 'bengaluru', 0, 3, 5.8, 9.2, 13.2, 18.4, '2025-01-01', 'national row +15 % (assumed Bengaluru premium)'),
    ('backend', 'bengaluru', 3, 6, 11.5, 17.3, 24.2, 32.2, '2025-01-01', 'national row +15 % (assumed Bengaluru premium)'),
    ('backend', 'bengaluru', 6, 10, 20.7, 29.9, 40.3, 51.8, '2025-01-01', 'national row +15 % (assumed Bengaluru premium)'),
    ('backend', 'bengaluru', 10, NULL, 32.2, 43.7, 56.8, 74.8, '2025-01-01', 'national row +15 % (assumed Bengaluru premium)'),
    ('backend', 'hyderabad', 0, 3, 5.3, 8.4, 12.1, 16.8, '2025-01-01', 'national row +5 % (assumed Hyderabad premium)'),
    ('backend', 'hyderabad', 3, 6, 10.5, 15.8, 22.1, 29.4, '2025-01-01', 'national row +5 % (assumed Hyderabad premium)'),
    ('backend', 'pune', 0, 3, 5.0, 8.0, 11.5, 16.0, '2025-01-01', 'national row (assumed no Pune premium)'),
    ('backend', 'pune', 3, 6, 10.0, 15.0, 21.0, 28.0, '2025-01-01', 'national row (assumed no Pune premium)'),
    ('frontend', 'india', 0, 3, 4.0, 6.5, 9.0, 12.0, '2025-01-01', 'below backend, as Instahyre Product-Tech PayCheck 2025 reports entry-level frontend pay down ~1.5 LPA'),
    ('frontend', 'india', 3, 6, 8.0, 12.0, 17.0, 22.0, '2025-01-01', 'interpolated between Instahyre Product-Tech PayCheck 2025 anchors'),
    ('frontend', 'india', 6, NULL, 16.0, 24.0, 36.3, 45.0, '2025-01-01', 'spread around Instahyre Product-Tech PayCheck 2025 (senior frontend up to ~36.3 LPA)'),
    ('devops', 'india', 0, 3, 4.5, 6.2, 9.0, 13.0, '2025-01-01', 'spread around Instahyre Product-Tech PayCheck 2025 (Kubernetes engineers from ~6.2 LPA)'),
    ('devops', 'india', 3, 6, 10.0, 15.0, 22.0, 30.0, '2025-01-01', 'interpolated between Instahyre Product-Tech PayCheck 2025 anchors'),
    ('devops', 'india', 6, NULL, 18.0, 26.0, 35.9, 45.0, '2025-01-01', 'spread around Instahyre Product-Tech PayCheck 2025 (AWS team leads up to ~35.9 LPA)'),
    ('machine_learning', 'india', 0, 3, 8.2, 12.0, 17.0, 24.0, '2024-08-01', 'spread around TeamLease Digital Skills & Salary Primer FY2025 (AI/ML in GCCs from ~8.2 LPA)'),
    ('machine_learning', 'india', 8, NULL, 24.0, 32.0, 43.0, 58.0, '2024-08-01', 'spread around TeamLease Digital Skills & Salary Primer FY2025 (AI/ML up to ~43 LPA at 8+ years)')
  ) AS b (role_category, city, lo, hi, p25, p50, p75, p90, month, anchor);

-- ---------------------------------------------------------------------------------- the results
-- top_gaps: [{skill, category, required_by, importance_pct, unlocks_all, unlocks_most, est_hours,
-- roi_rank}], best first (handlers/agents/skill_gap.py says how they are ranked).
CREATE TABLE public.skill_gap_results (
    user_id         uuid PRIMARY KEY REFERENCES public.users (id) ON DELETE CASCADE,
    top_gaps        jsonb NOT NULL DEFAULT '[]' CHECK (jsonb_typeof(top_gaps) = 'array'),
    market_jobs     integer NOT NULL CHECK (market_jobs >= 0),   -- matching jobs with known required skills
    computed_at     timestamptz NOT NULL DEFAULT now(),
    next_refresh_at timestamptz NOT NULL
);

CREATE TABLE public.career_intelligence (
    user_id               uuid PRIMARY KEY REFERENCES public.users (id) ON DELETE CASCADE,
    career_score          smallint NOT NULL CHECK (career_score BETWEEN 0 AND 100),
    score_components      jsonb NOT NULL CHECK (jsonb_typeof(score_components) = 'object'),
    market_demand         jsonb NOT NULL CHECK (jsonb_typeof(market_demand) = 'object'),
    salary_role_category  text,
    salary_city           text,          -- the benchmark row's city: the user's, or 'india' (fallback)
    salary_exp_years      numeric(4, 1), -- the years the band was chosen by
    salary_p25_lpa        numeric(6, 2),
    salary_p50_lpa        numeric(6, 2),
    salary_p75_lpa        numeric(6, 2),
    salary_p90_lpa        numeric(6, 2),
    salary_note           text,          -- where the figures come from, or why there are none
    computed_at           timestamptz NOT NULL DEFAULT now(),
    next_refresh_at       timestamptz NOT NULL
);

-- The user reads their own results; only the worker writes. Benchmarks are the worker's (the
-- user sees the figures chosen for them on their career_intelligence row).
ALTER TABLE public.salary_benchmarks ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.skill_gap_results ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.career_intelligence ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.salary_benchmarks, public.skill_gap_results, public.career_intelligence
    FROM PUBLIC, anon, authenticated;
GRANT ALL ON public.salary_benchmarks, public.skill_gap_results, public.career_intelligence TO service_role;
GRANT SELECT ON public.skill_gap_results, public.career_intelligence TO authenticated;
CREATE POLICY skill_gap_results_own ON public.skill_gap_results FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY career_intelligence_own ON public.career_intelligence FOR SELECT TO authenticated USING (user_id = auth.uid());
REVOKE ALL ON SEQUENCE public.salary_benchmarks_id_seq FROM PUBLIC, anon, authenticated;
GRANT ALL ON SEQUENCE public.salary_benchmarks_id_seq TO service_role;
REVOKE ALL ON talvix.skill_learning_hours, talvix.skill_categories FROM PUBLIC, anon, authenticated;
GRANT ALL ON talvix.skill_learning_hours, talvix.skill_categories TO service_role;

-- ------------------------------------------------------------------------------ a user's market
-- The active jobs a user's insight is computed over, filtered as the fit scorer's candidates are
-- (sql/product/queries/match_jobs.sql): not at a blacklisted company, in the user's work modes,
-- in one of their cities unless remote; and for a user with target roles, a job whose title names
-- one of them, or whose role family is one of theirs. A target role's family is the one most of
-- the active jobs with that title were read as (jd_cleaner), so "Backend Engineer" brings in
-- "Python Developer" jobs read as backend. A user without target roles has every active job.
CREATE FUNCTION talvix.market_jobs(p_user_id uuid)
RETURNS TABLE (job_id bigint, role_family text, seniority_level text, seen_at timestamptz)
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    WITH roles AS (
        SELECT DISTINCT lower(t.role_title) AS role FROM public.user_target_roles t WHERE t.user_id = p_user_id
    ), families AS (
        SELECT DISTINCT ON (r.role) r.role, j.role_family
          FROM roles r JOIN public.jobs j ON j.is_active AND strpos(lower(j.title), r.role) > 0
         WHERE j.role_family IS NOT NULL AND j.role_family <> 'other'
         GROUP BY r.role, j.role_family
         ORDER BY r.role, count(*) DESC, j.role_family
    )
    SELECT j.id, j.role_family, j.seniority_level, coalesce(j.posted_at, j.first_seen_at)
      FROM public.users u
      JOIN public.jobs j ON j.is_active
     WHERE u.id = p_user_id
       AND (NOT EXISTS (SELECT 1 FROM roles)
            OR EXISTS (SELECT 1 FROM roles r WHERE strpos(lower(j.title), r.role) > 0)
            OR j.role_family IN (SELECT f.role_family FROM families f))
       AND NOT EXISTS (SELECT 1 FROM public.user_company_prefs p
                        WHERE p.user_id = u.id AND p.pref_type = 'blacklist' AND lower(p.company) = lower(j.company))
       AND (jsonb_typeof(u.profile -> 'work_modes') IS DISTINCT FROM 'array' OR j.work_mode = 'unknown'
            OR u.profile -> 'work_modes' ? j.work_mode)
       AND (jsonb_typeof(u.profile -> 'cities') IS DISTINCT FROM 'array' OR j.work_mode = 'remote' OR j.location IS NULL
            OR EXISTS (SELECT 1 FROM jsonb_array_elements_text(u.profile -> 'cities') c
                        WHERE strpos(lower(j.location), lower(c)) > 0))
$$;
REVOKE ALL ON FUNCTION talvix.market_jobs(uuid) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.market_jobs(uuid) TO service_role;

-- The skills a user has: what their latest parsed resume lists (summary.skills, and the keys of
-- summary.skill_years), trimmed, in lower case, each once. Both agents compare job skills to these.
CREATE FUNCTION talvix.resume_skills(p_user_id uuid)
RETURNS SETOF text
LANGUAGE sql STABLE SET search_path = pg_catalog, public AS $$
    SELECT DISTINCT lower(btrim(s.name))
      FROM (SELECT r.summary FROM public.resumes r
             WHERE r.user_id = p_user_id AND r.parse_status = 'parsed'
             ORDER BY r.parsed_at DESC NULLS LAST, r.created_at DESC LIMIT 1) resume,
           LATERAL (SELECT jsonb_array_elements_text(CASE jsonb_typeof(resume.summary -> 'skills')
                                                     WHEN 'array' THEN resume.summary -> 'skills' END)
                    UNION ALL
                    SELECT jsonb_object_keys(CASE jsonb_typeof(resume.summary -> 'skill_years')
                                             WHEN 'object' THEN resume.summary -> 'skill_years' END)) AS s (name)
$$;
REVOKE ALL ON FUNCTION talvix.resume_skills(uuid) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.resume_skills(uuid) TO service_role;

-- ------------------------------------------------------------------------------ what marks stale
-- Rows mark the results stale; the watches below turn a stale user into an event. SECURITY DEFINER
-- because the user who adds a target role may not write these flags themselves.
CREATE FUNCTION talvix.target_roles_mark_insight_stale() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        UPDATE public.users u SET skill_gap_stale = true, career_intel_stale = true
         WHERE u.id IN (SELECT user_id FROM talvix_changed UNION SELECT user_id FROM talvix_changed_old);
    ELSE
        UPDATE public.users u SET skill_gap_stale = true, career_intel_stale = true
         WHERE u.id IN (SELECT user_id FROM talvix_changed);
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER target_roles_insight_stale_insert AFTER INSERT ON public.user_target_roles
    REFERENCING NEW TABLE AS talvix_changed
    FOR EACH STATEMENT EXECUTE FUNCTION talvix.target_roles_mark_insight_stale();
CREATE TRIGGER target_roles_insight_stale_update AFTER UPDATE ON public.user_target_roles
    REFERENCING OLD TABLE AS talvix_changed_old NEW TABLE AS talvix_changed
    FOR EACH STATEMENT EXECUTE FUNCTION talvix.target_roles_mark_insight_stale();
CREATE TRIGGER target_roles_insight_stale_delete AFTER DELETE ON public.user_target_roles
    REFERENCING OLD TABLE AS talvix_changed
    FOR EACH STATEMENT EXECUTE FUNCTION talvix.target_roles_mark_insight_stale();

-- A resume that becomes parsed, or whose parsed summary changes (or one written already parsed).
CREATE FUNCTION talvix.resumes_mark_insight_stale() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF TG_OP = 'UPDATE' THEN
        UPDATE public.users u SET skill_gap_stale = true, career_intel_stale = true
         WHERE u.id IN (SELECT n.user_id FROM talvix_changed n JOIN talvix_changed_old o ON o.id = n.id
                         WHERE n.parse_status = 'parsed'
                           AND (o.parse_status IS DISTINCT FROM 'parsed' OR o.summary IS DISTINCT FROM n.summary));
    ELSE
        UPDATE public.users u SET skill_gap_stale = true, career_intel_stale = true
         WHERE u.id IN (SELECT n.user_id FROM talvix_changed n WHERE n.parse_status = 'parsed');
    END IF;
    RETURN NULL;
END;
$$;
CREATE TRIGGER resumes_insight_stale_insert AFTER INSERT ON public.resumes
    REFERENCING NEW TABLE AS talvix_changed
    FOR EACH STATEMENT EXECUTE FUNCTION talvix.resumes_mark_insight_stale();
CREATE TRIGGER resumes_insight_stale_update AFTER UPDATE ON public.resumes
    REFERENCING OLD TABLE AS talvix_changed_old NEW TABLE AS talvix_changed
    FOR EACH STATEMENT EXECUTE FUNCTION talvix.resumes_mark_insight_stale();

-- The profile chooses the market (cities, work modes) and counts towards completeness; name and
-- phone count towards completeness only.
CREATE FUNCTION talvix.profile_marks_insight_stale() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.profile IS DISTINCT FROM OLD.profile THEN
        NEW.skill_gap_stale := true;
    END IF;
    NEW.career_intel_stale := true;
    RETURN NEW;
END;
$$;
CREATE TRIGGER users_profile_insight_stale BEFORE UPDATE OF profile, full_name, phone ON public.users
    FOR EACH ROW
    WHEN (NEW.profile IS DISTINCT FROM OLD.profile OR NEW.full_name IS DISTINCT FROM OLD.full_name
          OR NEW.phone IS DISTINCT FROM OLD.phone)
    EXECUTE FUNCTION talvix.profile_marks_insight_stale();
REVOKE ALL ON FUNCTION talvix.target_roles_mark_insight_stale(), talvix.resumes_mark_insight_stale(),
                       talvix.profile_marks_insight_stale() FROM PUBLIC;

-- A stale user wakes the agent: one pending event per user and agent (dedup on the user's id). It
-- fires when a write sets the flag, and on any later write while it stays set, so a flag left set
-- (a run that failed before it cleared it) is picked up again by the next write to the user's row,
-- such as the daily refresh's; but not on the write where the other agent clears its own flag,
-- which would only queue a second run of a user already queued.
SELECT talvix.watch(
    'public.users', 'skill_gap', '{UPDATE}',
    condition => 'NEW.skill_gap_stale AND (NOT OLD.skill_gap_stale OR NEW.career_intel_stale IS NOT DISTINCT FROM OLD.career_intel_stale)',
    columns => '{id}', dedup => true);
SELECT talvix.watch(
    'public.users', 'career_intelligence', '{UPDATE}',
    condition => 'NEW.career_intel_stale AND (NOT OLD.career_intel_stale OR NEW.skill_gap_stale IS NOT DISTINCT FROM OLD.skill_gap_stale)',
    columns => '{id}', dedup => true);

-- ------------------------------------------------------------------------------------ the data
INSERT INTO talvix.limits (name, value, note) VALUES
    ('career_insight_refresh_days', 7, 'a skill gap or career result this many days old is computed again'),
    ('skill_gap_top_n', 10, 'gaps kept per user'),
    ('skill_gap_most_pct', 80, 'a job is mostly covered when the user has at least this % of its required skills'),
    ('career_weight_skills', 35, 'career score weight: required skills of the market the resume covers'),
    ('career_weight_experience', 25, 'career score weight: years against the seniority the market asks for'),
    ('career_weight_activity', 15, 'career score weight: applications sent recently'),
    ('career_weight_outcomes', 10, 'career score weight: callbacks, interviews and offers per application'),
    ('career_weight_profile', 15, 'career score weight: profile completeness'),
    ('career_activity_days', 30, 'the window applications are counted in for activity'),
    ('career_activity_target', 20, 'applications in that window that give full activity marks'),
    ('career_outcome_days', 90, 'the window applications are counted in for outcomes'),
    ('career_response_target_pct', 10, 'positive responses per application (%) that give full outcome marks'),
    ('career_demand_window_days', 14, 'market demand compares the jobs of the last this-many days with the ones before'),
    ('career_demand_steady_pct', 10, 'a change in demand within this % either way is steady'),
    ('seniority_years_intern', 0, 'years of experience an intern job expects'),
    ('seniority_years_junior', 1, 'years of experience a junior job expects'),
    ('seniority_years_mid', 3, 'years of experience a mid-level job (or one that does not say) expects'),
    ('seniority_years_senior', 6, 'years of experience a senior job expects'),
    ('seniority_years_lead', 9, 'years of experience a lead job expects');

-- The daily refresh runs at 20:30 UTC (02:00 in India), a row of talvix.schedules (migration 027),
-- whose trigger queues the first run; each run queues the next. Users with a parsed resume and no
-- result yet are due at once, so the first run computes everyone's.
INSERT INTO talvix.schedules (agent, utc_minute, note)
VALUES ('career_insight_refresh', 1230, 'daily: users whose skill gaps and career intelligence are a week old are refreshed');
