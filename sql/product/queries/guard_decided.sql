-- The guard's decision on an application (its status and the reason); returns the user id.
-- $1 application id, $2 status, $3 reason
UPDATE public.job_applications SET auto_status = $2, failure_note = $3 WHERE id = $1 RETURNING user_id
