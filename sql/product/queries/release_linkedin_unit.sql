-- Give back a reserved LinkedIn unit (the action did not happen). $1 reservation id
SELECT talvix.release_linkedin_unit($1)
