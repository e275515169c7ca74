-- $1 worker id
UPDATE talvix.workers SET stopped_at = now(), last_seen_at = now() WHERE id = $1
