-- The two daily agents older than talvix.schedules (migration 027) become rows of it, so every
-- daily agent's time is kept and changed the same way (an UPDATE of its row moves its pending run
-- at once) and one piece of code computes the next run (talvix.next_schedule_run).
--   job_discovery_schedule keeps the minute an operator may have set in talvix.limits;
--   session_expiry_sweep runs at 19:30 India time, 14:00 UTC (India keeps no daylight saving).
-- The row's trigger moves each agent's pending run (queued by migrations 010 and 023) to its time.
INSERT INTO talvix.schedules (agent, utc_minute, note) VALUES
    ('job_discovery_schedule',
     coalesce((SELECT value FROM talvix.limits WHERE name = 'job_discovery_utc_minute'), 870),
     'daily: a discovery run (a scrape_runs row) over every configured board'),
    ('session_expiry_sweep', 840, 'daily at 19:30 India time: sessions near expiry warned, expired ones retired');
DELETE FROM talvix.limits WHERE name = 'job_discovery_utc_minute';
