-- Whether pg_cron runs the retention job, in which case no worker's janitor does.
SELECT EXISTS (SELECT 1 FROM cron.job WHERE jobname = 'talvix-delete-expired')
