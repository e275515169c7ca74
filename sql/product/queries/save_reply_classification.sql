-- What a reply said, in one statement: the reply is classified, the application's status moves
-- forward (never back: an interview is not undone by a later "thanks"), and any real reply stops
-- the follow-ups; a learning signal records it. An automatic reply (out of office) changes nothing
-- else. $1 reply id, $2 classification
WITH reply AS (
    UPDATE public.follow_up_replies SET classification = $2::text, classified_at = now()
     WHERE id = $1
    RETURNING application_id, user_id, channel
), moved AS (
    UPDATE public.job_applications a
       SET status = CASE
                      WHEN $2 = 'interview' AND coalesce(a.status, 'applied') IN ('applied', 'viewed', 'callback') THEN 'interview'
                      WHEN $2 = 'positive' AND coalesce(a.status, 'applied') IN ('applied', 'viewed') THEN 'callback'
                      WHEN $2 = 'rejection' AND coalesce(a.status, 'applied') IN ('applied', 'viewed', 'callback', 'interview')
                           THEN 'rejected'
                      ELSE a.status
                    END,
           follow_ups_stopped = coalesce(a.follow_ups_stopped, 'the recruiter replied (' || $2 || ')')
      FROM reply r
     WHERE a.id = r.application_id AND $2 <> 'auto_reply'
    RETURNING a.id, a.status
)
INSERT INTO public.learning_signals (user_id, signal_type, context)
SELECT r.user_id, 'followup_replied',
       jsonb_build_object('application_id', r.application_id, 'classification', $2, 'channel', r.channel,
                          'status', (SELECT m.status FROM moved m))
  FROM reply r
RETURNING (SELECT m.status FROM moved m) AS application_status
