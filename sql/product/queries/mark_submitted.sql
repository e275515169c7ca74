-- The application went out. $1 application id
UPDATE public.job_applications
   SET auto_status = 'submitted', status = 'applied', applied_at = now(), failure_note = NULL, updated_at = now()
 WHERE id = $1
