-- Whether pg_cron is installed here (only then can janitor_cron_job.sql be prepared).
SELECT to_regclass('cron.job') IS NOT NULL
