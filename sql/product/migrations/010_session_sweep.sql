-- Queue the first daily session sweep; each run queues the next (handlers/session_sweep.py).
INSERT INTO talvix.events (agent, payload, dedup_key, source)
VALUES ('session_expiry_sweep', '{}', 'session_expiry_sweep', 'migration 010')
ON CONFLICT (agent, dedup_key) WHERE dedup_key IS NOT NULL AND status IN ('pending', 'running') DO NOTHING;
