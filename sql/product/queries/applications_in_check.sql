-- Of these applications, those a person still has to check (their screenshot is the evidence).
-- $1 application ids
SELECT id FROM public.job_applications WHERE id = ANY ($1::uuid[]) AND auto_status = 'needs_check'
