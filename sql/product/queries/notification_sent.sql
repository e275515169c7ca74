-- The provider accepted the message. Only the claim that sent it may say so. $1 id, $2 claimed_at, $3 provider's message id
UPDATE public.notifications
   SET status = 'sent', sent_at = now(), provider_message_id = $3, delivery_error = NULL, next_attempt_at = NULL
 WHERE id = $1 AND status = 'sending' AND claimed_at = $2
