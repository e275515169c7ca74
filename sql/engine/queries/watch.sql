-- Attach an agent to a table (talvix.watch) and return the watches it created.
-- $1 table, $2 agent, $3 operations, $4 condition, $5 delay, $6 payload columns, $7 dedup
SELECT relation::text AS relation, agent, operation, condition, delay, columns, dedup
  FROM talvix.watch($1::regclass, $2, $3, $4, $5, $6, $7)
