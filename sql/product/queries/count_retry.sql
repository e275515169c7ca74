-- One more attempt at an application. $1 application id
UPDATE public.job_applications SET retry_count = retry_count + 1 WHERE id = $1
