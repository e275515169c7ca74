-- A run stopped before the end (it is retried): why, and the screenshot if one was taken.
-- $1 application id, $2 note, $3 screenshot path
UPDATE public.job_applications
   SET failure_note = $2, screenshot_path = coalesce($3, screenshot_path)
 WHERE id = $1
