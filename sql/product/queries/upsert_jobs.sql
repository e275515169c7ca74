-- One batch of discovered jobs, written by fingerprint in one statement: a new job is inserted, a
-- known one is refreshed (seen again, active again, its board's latest facts). Returns how many
-- were new. $1 jobs as a jsonb array of objects with the columns below.
WITH batch AS (
    SELECT * FROM jsonb_to_recordset($1) AS b (
        fingerprint text, title text, company text, company_canonical text, location text,
        city_canonical text, work_mode text, apply_url text, platform text, description text,
        posted_at timestamptz, source text, source_job_id text, salary_min numeric, salary_max numeric,
        salary_currency text, jd_path text)
), written AS (
    INSERT INTO public.jobs AS j (fingerprint, title, company, company_canonical, location, city_canonical,
                                  work_mode, apply_url, platform, description, posted_at, source, source_job_id,
                                  salary_min, salary_max, salary_currency, jd_path)
    SELECT fingerprint, title, company, company_canonical, location, city_canonical, work_mode, apply_url,
           platform, description, posted_at, source, source_job_id, salary_min, salary_max, salary_currency, jd_path
      FROM batch
    ON CONFLICT (fingerprint) DO UPDATE
       SET last_seen_at = now(), is_active = true, apply_url = EXCLUDED.apply_url,
           posted_at = coalesce(EXCLUDED.posted_at, j.posted_at),
           salary_min = coalesce(EXCLUDED.salary_min, j.salary_min),
           salary_max = coalesce(EXCLUDED.salary_max, j.salary_max),
           salary_currency = coalesce(EXCLUDED.salary_currency, j.salary_currency)
    RETURNING (xmax = 0) AS inserted
)
SELECT count(*) FILTER (WHERE inserted) AS new, count(*) FILTER (WHERE NOT inserted) AS refreshed FROM written
