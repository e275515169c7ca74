-- One run of an agent now, as its schedule would queue it. $1 agent, $2 payload
INSERT INTO talvix.events (agent, payload, source) VALUES ($1, $2, 'demo')
