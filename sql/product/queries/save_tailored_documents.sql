-- The tailored resume and cover letter are written: the application is ready to apply.
-- $1 application id, $2 resume path, $3 cover letter path, $4 rendered files (jsonb)
UPDATE public.job_applications
   SET tailored_resume_path = $2, cover_letter_path = $3, document_files = $4, auto_status = 'ready'
 WHERE id = $1 AND auto_status = 'queued'
