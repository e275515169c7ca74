-- The daily session sweep, in one statement: flag connections whose cookies expire within 7, 3 or
-- 1 days (each warning once, for the notifier to deliver), and retire expired ones, pausing their
-- users' auto-apply with the reason.
WITH expired AS (
    UPDATE public.user_connections c SET is_valid = false
     WHERE c.is_valid AND c.estimated_expires_at <= now()
    RETURNING c.user_id, c.platform
), paused AS (
    UPDATE public.users u
       SET auto_apply_paused = true, auto_apply_paused_reason = format('%s session expired: reconnect it', e.platform)
      FROM expired e
     WHERE u.id = e.user_id
    RETURNING u.id
), warned AS (
    UPDATE public.user_connections c
       SET warning_7d_sent = c.warning_7d_sent OR c.estimated_expires_at <= now() + interval '7 days',
           warning_3d_sent = c.warning_3d_sent OR c.estimated_expires_at <= now() + interval '3 days',
           warning_1d_sent = c.warning_1d_sent OR c.estimated_expires_at <= now() + interval '1 day'
     WHERE c.is_valid AND c.estimated_expires_at > now()
       AND ((NOT c.warning_7d_sent AND c.estimated_expires_at <= now() + interval '7 days')
         OR (NOT c.warning_3d_sent AND c.estimated_expires_at <= now() + interval '3 days')
         OR (NOT c.warning_1d_sent AND c.estimated_expires_at <= now() + interval '1 day'))
    RETURNING c.user_id
)
SELECT (SELECT count(*) FROM expired) AS expired, (SELECT count(*) FROM paused) AS paused,
       (SELECT count(*) FROM warned) AS warned
