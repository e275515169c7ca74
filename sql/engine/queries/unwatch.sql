-- Detach an agent from a table; returns how many triggers were removed.
-- $1 table, $2 agent, $3 operations (NULL = all)
SELECT talvix.unwatch($1::regclass, $2, $3)
