-- LinkedIn confirmed the note: the row says how it went ($2: 'invitation' or 'message'), and an
-- invitation is a learning signal. $1 follow-up id
WITH sent AS (
    UPDATE public.follow_ups SET status = 'sent', sent_at = now(), provider_id = $2, error = NULL
     WHERE id = $1 AND status = 'sending'
    RETURNING user_id, application_id, stage
)
INSERT INTO public.learning_signals (user_id, signal_type, context)
SELECT user_id, 'li_connection_sent', jsonb_build_object('application_id', application_id, 'stage', stage)
  FROM sent
 WHERE $2 = 'invitation'
