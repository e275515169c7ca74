-- Events of one agent that failed within a window (`talvix retry --failed-agent`).
-- $1 agent, $2 hours
SELECT id FROM talvix.events
 WHERE agent = $1 AND status = 'failed' AND finished_at > now() - make_interval(hours => $2)
