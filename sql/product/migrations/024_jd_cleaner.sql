-- What jd_cleaner (handlers/agents/jd_cleaner.py) reads out of each discovered job's description:
-- its skills (required or nice to have), role family, seniority and a short summary.
--
--   jobs INSERT (a whole batch is one event) ──► jd_cleaner ──► job_skills, jobs.role_family …, jd_cleaned

CREATE TABLE public.job_skills (
    job_id   bigint NOT NULL REFERENCES public.jobs (id) ON DELETE CASCADE,
    skill    text NOT NULL CHECK (char_length(skill) BETWEEN 1 AND 60),
    required boolean NOT NULL,
    PRIMARY KEY (job_id, skill)
);
CREATE INDEX job_skills_skill_idx ON public.job_skills (skill);

ALTER TABLE public.jobs
    ADD COLUMN role_family     text CHECK (role_family IN (
                                   'backend', 'frontend', 'fullstack', 'mobile', 'data_engineering', 'data_science',
                                   'machine_learning', 'devops', 'qa', 'security', 'product', 'design', 'other')),
    ADD COLUMN seniority_level text CHECK (seniority_level IN (
                                   'intern', 'junior', 'mid', 'senior', 'lead', 'not_specified')),
    ADD COLUMN jd_summary      text CHECK (char_length(jd_summary) <= 600);

-- Skills are reference data like jobs: any signed-in user may read them; only the worker writes.
ALTER TABLE public.job_skills ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.job_skills FROM PUBLIC, anon, authenticated;
GRANT SELECT ON public.job_skills TO authenticated;
GRANT ALL ON public.job_skills TO service_role;
CREATE POLICY job_skills_read ON public.job_skills FOR SELECT TO authenticated USING (true);

-- columns => '{}' gives every inserted job the same dedup key: one event per batch of new jobs.
SELECT talvix.watch('public.jobs', 'jd_cleaner', '{INSERT}', columns => '{}', dedup => true);
