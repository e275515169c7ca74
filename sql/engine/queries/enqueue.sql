-- Insert one event unless a pending or running event holds the same dedup key.
-- $1 agent, $2 payload, $3 user id, $4 dedup key, $5 source, $6 delay seconds
INSERT INTO talvix.events (agent, payload, user_id, dedup_key, source, run_after)
VALUES ($1, $2, $3, $4, $5, now() + make_interval(secs => $6))
ON CONFLICT (agent, dedup_key) WHERE dedup_key IS NOT NULL AND status IN ('pending', 'running')
DO NOTHING
RETURNING id
