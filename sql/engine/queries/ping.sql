-- A round trip through NOTIFY that proves this worker's listener still hears the channel, and the
-- worker's heartbeat in talvix.workers, in one statement. $1 payload, $2 worker id
WITH seen AS (
    UPDATE talvix.workers SET last_seen_at = now() WHERE id = $2
)
SELECT pg_notify('talvix_events', $1)
