-- $1 fingerprint, $2 title, $3 company, $4 work mode, $5 description
INSERT INTO public.jobs (fingerprint, title, company, work_mode, apply_url, platform, description)
VALUES ($1, $2, $3, $4, 'https://jobs.example/' || $1, 'greenhouse', $5)
