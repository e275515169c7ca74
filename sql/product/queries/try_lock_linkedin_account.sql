-- One browser at a time on a user's LinkedIn account for the notes: a session advisory lock on the user.
-- $1: user id. True when this session now holds it.
SELECT pg_try_advisory_lock(hashtextextended('talvix.linkedin_account:' || $1::uuid::text, 0))
