-- Count this run against the user's LLM runs per hour; false when the user is past the limit.
-- $1 user id, $2 agent, $3 event id, $4 runs allowed per hour
SELECT talvix.admit_user_model_run($1, $2, $3, $4)
