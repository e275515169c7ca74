-- $1 worker id, $2 hostname, $3 pid, $4 agents served
INSERT INTO talvix.workers (id, hostname, pid, agents)
VALUES ($1, $2, $3, $4)
ON CONFLICT (id) DO UPDATE
   SET hostname = EXCLUDED.hostname, pid = EXCLUDED.pid, agents = EXCLUDED.agents,
       started_at = now(), last_seen_at = now(), stopped_at = NULL
