-- The end of a delta pass (see lock_delta_pass.sql).
SELECT pg_advisory_unlock(hashtext('talvix.fit_scorer.delta'))
