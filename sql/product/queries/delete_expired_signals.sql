-- Learning signals past their expires_at (learning_signal_retention_days after they were written).
WITH gone AS (DELETE FROM public.learning_signals WHERE expires_at < now() RETURNING 1)
SELECT count(*) FROM gone
