-- One application's auto-apply status. $1 application id
SELECT auto_status FROM public.job_applications WHERE id = $1
