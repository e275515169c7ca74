-- The daily coach's schedule: one daily_coach event per opted-in paid user (tier student or
-- professional, profile.coach_enabled true) without a coach message for the day, in one statement.
-- Returns how many were queued. $1 the UTC date the messages are for
WITH queued AS (
    INSERT INTO talvix.events (agent, payload, user_id, dedup_key, source)
    SELECT 'daily_coach', jsonb_build_object('user_id', u.id, 'day', to_char($1::date, 'YYYY-MM-DD')), u.id,
           'daily_coach:' || u.id || ':' || to_char($1::date, 'YYYY-MM-DD'), 'daily_coach_schedule'
      FROM public.users u
     WHERE u.tier IN ('student', 'professional') AND u.profile @> '{"coach_enabled": true}'
       AND NOT EXISTS (SELECT 1 FROM public.notifications n
                        WHERE n.user_id = u.id AND n.event_type = 'coach_message'
                          AND n.metadata ->> 'coach_date' = to_char($1::date, 'YYYY-MM-DD'))
    ON CONFLICT (agent, dedup_key) WHERE dedup_key IS NOT NULL AND status IN ('pending', 'running') DO NOTHING
    RETURNING 1
)
SELECT count(*) FROM queued
