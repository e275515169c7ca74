-- Make a schedule's next run pending at its next time (talvix.schedules): moves the pending run, or
-- queues one. Returns that time, or NULL when the agent has no schedule row.
-- $1 agent
SELECT talvix.queue_schedule($1)
