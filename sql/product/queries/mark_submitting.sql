-- Record 'submitting' (and take the LinkedIn unit) in one statement, just before the submit click;
-- the reason it may not go, or NULL. $1 application id, $2 whether it is a LinkedIn application
SELECT talvix.mark_submitting($1, $2)
