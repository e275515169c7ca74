-- The day's coach message, low priority, kept 48 hours; at most one per user and UTC date
-- (metadata.coach_date, under a unique index). Returns its id, or nothing when the day has one.
-- $1 user id, $2 channel, $3 title, $4 body, $5 metadata (with coach_date 'YYYY-MM-DD')
INSERT INTO public.notifications (user_id, channel, event_type, priority, title, body, metadata, expires_at)
VALUES ($1, $2, 'coach_message', 'low', $3, $4, $5, now() + interval '48 hours')
ON CONFLICT (user_id, (metadata ->> 'coach_date')) WHERE event_type = 'coach_message' DO NOTHING
RETURNING id
