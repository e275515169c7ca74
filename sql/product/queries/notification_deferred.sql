-- The channel's rate window is spent: nothing was sent, so the claim gives its attempt back and the
-- notification waits for the next window. $1 id, $2 claimed_at, $3 when the window ends
UPDATE public.notifications
   SET status = 'pending', attempts = attempts - 1, next_attempt_at = $3
 WHERE id = $1 AND status = 'sending' AND claimed_at = $2
