-- Stop auto-apply for a user until they act; the reason is shown to them. When this pauses them (they
-- were not paused already), they are told on the dashboard and on every channel they have active and
-- verified (talvix.notification_channels), which notification_delivery sends. $1 user id, $2 reason
WITH paused AS (
    UPDATE public.users u SET auto_apply_paused = true, auto_apply_paused_reason = $2
      FROM public.users before
     WHERE u.id = $1 AND before.id = u.id
    RETURNING u.id, before.auto_apply_paused AS was_paused
)
INSERT INTO public.notifications (user_id, channel, event_type, priority, title, body, metadata, expires_at)
SELECT p.id, ch.channel, 'auto_apply_paused', 'high', 'Talvix paused your auto-apply',
       left(format('Auto-apply is paused to protect your account: %s. It stays paused until you switch it back on in Talvix.',
                   $2::text), 2000),
       jsonb_build_object('reason', $2::text), now() + interval '7 days'
  FROM paused p CROSS JOIN LATERAL talvix.notification_channels(p.id) AS ch (channel)
 WHERE NOT p.was_paused
