-- $1 worker id
UPDATE talvix.workers SET last_seen_at = now() WHERE id = $1
