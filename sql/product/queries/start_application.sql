-- Take the application's cap slot (and mark it in_progress) before the browser starts; the reason
-- it may not go, or NULL. $1 application id, $2 whether it will be submitted (not review mode)
SELECT talvix.start_application($1, $2)
