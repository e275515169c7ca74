-- Events still to run now (work scheduled for later, like an application's nightly start, does not count).
SELECT count(*) FROM talvix.events WHERE status = 'running' OR (status = 'pending' AND run_after <= now())
