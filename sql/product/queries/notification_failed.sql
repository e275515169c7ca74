-- The message will not be sent: the precise reason stays on the row. $1 id, $2 claimed_at, $3 reason
UPDATE public.notifications
   SET status = 'failed', delivery_error = left($3, 500), next_attempt_at = NULL
 WHERE id = $1 AND status = 'sending' AND claimed_at = $2
