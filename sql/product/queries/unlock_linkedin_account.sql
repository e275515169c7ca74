-- $1: user id (see try_lock_linkedin_account.sql).
SELECT pg_advisory_unlock(hashtextextended('talvix.linkedin_account:' || $1::uuid::text, 0))
