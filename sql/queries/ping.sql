-- A round trip through NOTIFY that proves this worker's listener still hears the channel.
-- $1 payload
SELECT pg_notify('talvix_events', $1)
