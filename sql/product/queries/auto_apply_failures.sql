-- The latest applications auto-apply could not send (or whose outcome needs checking), with the
-- screenshot taken when it stopped.
SELECT a.updated_at, a.id AS application_id, a.platform, a.auto_status, a.failure_note, a.screenshot_path
  FROM public.job_applications a
 WHERE a.auto_status LIKE 'failed%' OR a.auto_status = 'needs_check'
 ORDER BY a.updated_at DESC
 LIMIT 25
