-- The discovery settings kept as data in talvix.limits.
SELECT name, value FROM talvix.limits
 WHERE name IN ('job_discovery_max_per_source')
