-- Cancel events that have not started; running ones finish (or fail) on their own.
-- $1 event ids
UPDATE talvix.events
   SET status = 'cancelled', finished_at = now(), last_error = 'cancelled by an operator', updated_at = now()
 WHERE id = ANY ($1::bigint[]) AND status = 'pending'
RETURNING id, agent
