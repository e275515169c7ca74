-- Which of these application ids still exist. $1 application ids
SELECT id FROM public.job_applications WHERE id = ANY ($1::uuid[])
