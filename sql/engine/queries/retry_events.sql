-- Run finished-but-failed (or cancelled) events again, from a fresh attempt count.
-- $1 event ids
UPDATE talvix.events
   SET status = 'pending', attempts = 0, run_after = now(), last_error = NULL, finished_at = NULL, updated_at = now()
 WHERE id = ANY ($1::bigint[]) AND status IN ('failed', 'cancelled')
RETURNING id, agent
