-- Extend the leases of every event this worker still holds (running or waiting for a slot).
-- $1 event ids, $2 worker id, $3 lease seconds
UPDATE talvix.events
   SET lease_until = now() + make_interval(secs => $3)
 WHERE id = ANY ($1::bigint[]) AND status = 'running' AND worker_id = $2
