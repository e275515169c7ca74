-- $1 application id, $2 the status that settles it, $3 why. Only if it is still stranded mid-apply.
UPDATE public.job_applications
   SET auto_status = $2, failure_note = $3, updated_at = now()
 WHERE id = $1 AND auto_status IN ('in_progress', 'submitting')
