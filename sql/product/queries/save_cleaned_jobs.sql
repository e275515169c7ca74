-- What jd_cleaner read out of a batch of jobs, in one statement: each job's skills written, its
-- role family, seniority, summary and (when the board did not say) work mode set, and it is marked
-- cleaned. $1 the batch as jsonb: [{job_id, required: [..], nice: [..], role_family, seniority,
-- work_mode, summary}]
WITH batch AS (
    SELECT * FROM jsonb_to_recordset($1) AS b (
        job_id bigint, required text[], nice text[], role_family text, seniority text, work_mode text, summary text)
), skills AS (
    INSERT INTO public.job_skills (job_id, skill, required)
    SELECT DISTINCT ON (b.job_id, s.skill) b.job_id, s.skill, s.required
      FROM batch b
     CROSS JOIN LATERAL (SELECT unnest(b.required) AS skill, true AS required
                         UNION ALL
                         SELECT unnest(b.nice), false) s
      JOIN public.jobs j ON j.id = b.job_id
     ORDER BY b.job_id, s.skill, s.required DESC
    ON CONFLICT (job_id, skill) DO UPDATE SET required = EXCLUDED.required
)
UPDATE public.jobs j
   SET role_family = b.role_family, seniority_level = b.seniority, jd_summary = b.summary,
       work_mode = CASE WHEN j.work_mode = 'unknown' THEN b.work_mode ELSE j.work_mode END,
       jd_cleaned = true
  FROM batch b
 WHERE j.id = b.job_id
