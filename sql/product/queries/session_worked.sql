-- The stored session signed in. $1 user id, $2 platform
UPDATE public.user_connections
   SET consecutive_failures = 0, last_validated_at = now()
 WHERE user_id = $1 AND platform = $2
