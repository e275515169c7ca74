-- Queue the first stranded-application sweep; each run queues the next (handlers/apply_recovery.py).
INSERT INTO talvix.events (agent, payload, dedup_key, source)
VALUES ('apply_recovery', '{}', 'apply_recovery', 'migration 014')
ON CONFLICT (agent, dedup_key) WHERE dedup_key IS NOT NULL AND status IN ('pending', 'running') DO NOTHING;
