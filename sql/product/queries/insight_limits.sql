-- The insight refresh's settings kept as data in talvix.limits.
SELECT name, value FROM talvix.limits WHERE name IN ('career_insight_refresh_days')
