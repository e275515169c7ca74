-- A send that failed for now (429, 5xx, no connection): pending again, tried after the delay; the error
-- stays on the row until a later send settles it. $1 id, $2 claimed_at, $3 delay seconds, $4 error
UPDATE public.notifications
   SET status = 'pending', next_attempt_at = now() + make_interval(secs => $3::float8), delivery_error = left($4, 500)
 WHERE id = $1 AND status = 'sending' AND claimed_at = $2
