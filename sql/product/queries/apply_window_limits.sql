-- The nightly apply window (minutes after local midnight, length) and its jitter, from talvix.limits.
SELECT name, value FROM talvix.limits
 WHERE name IN ('apply_window_start_minute', 'apply_window_minutes', 'apply_slot_jitter_minutes')
