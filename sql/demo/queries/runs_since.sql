-- Runs logged in the last $1 seconds.
SELECT count(*) FROM public.agent_logs WHERE created_at > now() - make_interval(secs => $1)
