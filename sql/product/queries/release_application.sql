-- Give back the application's cap slot and LinkedIn unit (no submit click happened). $1 application id
SELECT talvix.release_application($1)
