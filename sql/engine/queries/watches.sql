-- What is attached: table → agent, per operation, with its condition and options.
SELECT relation::text AS relation, agent, operation, condition, delay, columns, dedup, created_at
  FROM talvix.watches
 ORDER BY 1, 2, 3
