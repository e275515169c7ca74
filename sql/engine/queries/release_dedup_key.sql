-- Let new work under this event's dedup key queue up (as one pending event) while this run goes on.
-- $1 event id
UPDATE talvix.events SET dedup_key = NULL WHERE id = $1 AND status = 'running'
