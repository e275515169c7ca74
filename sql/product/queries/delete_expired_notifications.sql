-- Notifications past their expiry (7 days for high priority, 48 hours for low): gone.
WITH gone AS (DELETE FROM public.notifications WHERE expires_at < now() RETURNING 1)
SELECT count(*) FROM gone
