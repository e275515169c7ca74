-- The mail server took the email: the row says so, and a learning signal records it.
-- $1 follow-up id, $2 the server's answer (its queue id)
WITH sent AS (
    UPDATE public.follow_ups SET status = 'sent', sent_at = now(), provider_id = $2, error = NULL
     WHERE id = $1 AND status = 'sending'
    RETURNING user_id, application_id, stage
)
INSERT INTO public.learning_signals (user_id, signal_type, context)
SELECT user_id, 'followup_email_sent', jsonb_build_object('application_id', application_id, 'stage', stage)
  FROM sent
