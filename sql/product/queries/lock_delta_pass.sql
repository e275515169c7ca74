-- One delta pass at a time, across every worker: the next waits here until the running one ends.
-- Held on one connection for the pass; released by unlock_delta_pass.sql, or with the connection
-- if the worker dies (its unmatched jobs are then still unmatched, for the next pass).
SELECT pg_advisory_lock(hashtext('talvix.fit_scorer.delta'))
