-- Reserve one unit of the day's fleet-wide LinkedIn budget; the reservation id, or NULL when spent.
-- $1 UTC day
SELECT talvix.reserve_linkedin_unit($1)
