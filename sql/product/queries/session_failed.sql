-- One more failure of a stored session in a row; invalid once it reaches the limit. Returns the
-- number of failures in a row. $1 user id, $2 platform, $3 failures that make it invalid
UPDATE public.user_connections
   SET consecutive_failures = consecutive_failures + 1, last_validated_at = now(),
       is_valid = consecutive_failures + 1 < $3
 WHERE user_id = $1 AND platform = $2
RETURNING consecutive_failures
