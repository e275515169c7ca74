-- The resume cannot be parsed: the app shows the user why. $1 resume id, $2 reason
UPDATE public.resumes SET parse_status = 'failed', parse_error = $2 WHERE id = $1
