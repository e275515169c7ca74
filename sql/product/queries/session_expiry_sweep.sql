-- The daily session sweep, in one statement: warn about connections whose cookies expire within 7, 3
-- or 1 days (each warning once: a flag on the connection and a notification for the user), retire
-- expired ones, pausing their users' auto-apply with the reason and telling them. Each message is one
-- row per channel the user is reached on (the dashboard and every active, verified channel:
-- talvix.notification_channels), which notification_delivery sends. (Expired notifications are
-- deleted by retention_cleanup, with the other retention.)
WITH expired AS (
    UPDATE public.user_connections c SET is_valid = false
     WHERE c.is_valid AND c.estimated_expires_at <= now()
    RETURNING c.user_id, c.platform
), expired_told AS (
    INSERT INTO public.notifications (user_id, channel, event_type, priority, title, body, metadata, expires_at)
    SELECT e.user_id, ch.channel, 'session_expired', 'high', format('Your %s session has expired', e.platform),
           format('Auto-apply is paused until you reconnect %s in Talvix.', e.platform),
           jsonb_build_object('platform', e.platform), now() + interval '7 days'
      FROM expired e CROSS JOIN LATERAL talvix.notification_channels(e.user_id) AS ch (channel)
    RETURNING id, channel
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
    RETURNING c.user_id, c.platform, c.estimated_expires_at
), warned_told AS (
    INSERT INTO public.notifications (user_id, channel, event_type, priority, title, body, metadata, expires_at)
    SELECT w.user_id, ch.channel, 'session_expiring', 'high',
           format('Your %s session expires in %s', w.platform,
                  CASE WHEN w.estimated_expires_at <= now() + interval '1 day' THEN 'less than a day'
                       ELSE ceil(extract(epoch FROM w.estimated_expires_at - now()) / 86400)::int || ' days' END),
           format('Reconnect %s in Talvix before %s UTC so auto-apply keeps running.', w.platform,
                  to_char(w.estimated_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI')),
           jsonb_build_object('platform', w.platform, 'expires_at', w.estimated_expires_at), now() + interval '7 days'
      FROM warned w CROSS JOIN LATERAL talvix.notification_channels(w.user_id) AS ch (channel)
    RETURNING id, channel
)
SELECT (SELECT count(*) FROM expired) AS expired, (SELECT count(*) FROM paused) AS paused,
       (SELECT count(*) FROM warned) AS warned,
       (SELECT count(*) FROM (SELECT channel FROM expired_told UNION ALL SELECT channel FROM warned_told) t
         WHERE channel = 'dashboard') AS told,                                 -- users told (one dashboard row each)
       (SELECT count(*) FROM (SELECT channel FROM expired_told UNION ALL SELECT channel FROM warned_told) t
         WHERE channel <> 'dashboard') AS to_deliver                           -- rows for notification_delivery
