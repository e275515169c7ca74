-- Make a schedule's next run pending at its next time (talvix.schedules): moves the pending run, or
-- queues one. Returns that time, or NULL when there is no schedule of that name.
-- $1 schedule name (an agent's own name when it has one schedule)
SELECT talvix.queue_schedule($1)
