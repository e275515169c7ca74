-- A user's sealed session for a platform (decrypted only in the worker, only to sign in).
-- $1 user id, $2 platform
SELECT session_encrypted, session_iv, session_version, is_valid
  FROM public.user_connections
 WHERE user_id = $1 AND platform = $2
