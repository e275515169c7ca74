-- Move an application to an auto-apply status, with the note the user sees; a screenshot path or a
-- retry count is kept unless a new one is given.
-- $1 application id, $2 status, $3 note, $4 screenshot path, $5 retry count
UPDATE public.job_applications
   SET auto_status = $2, failure_note = $3, screenshot_path = coalesce($4, screenshot_path),
       retry_count = coalesce($5, retry_count), updated_at = now()
 WHERE id = $1
