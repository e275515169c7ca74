-- Plans past their subscription_expires_at drop to free, in one statement: auto-apply off with the
-- reason the user sees, the applications still waiting to be sent stopped with the same reason,
-- and one notification each. Running it again finds nobody (they are free now). Runs in flight
-- ('in_progress', 'submitting') are left to their run, which the plan gates stop before any click.
WITH ended AS (
    SELECT u.id, u.tier, u.subscription_expires_at, u.auto_apply_enabled
      FROM public.users u
     WHERE u.tier <> 'free' AND u.subscription_expires_at <= now()
       FOR UPDATE
), dropped AS (
    UPDATE public.users u
       SET tier = 'free', auto_apply_enabled = false,
           auto_apply_disabled_reason = CASE WHEN e.auto_apply_enabled
               THEN format('your %s plan ended on %s; auto-apply is part of the student and professional plans', e.tier,
                           to_char(e.subscription_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
               ELSE u.auto_apply_disabled_reason END
      FROM ended e
     WHERE u.id = e.id
    RETURNING u.id
), stopped AS (
    UPDATE public.job_applications a
       SET auto_status = 'skipped', updated_at = now(),
           failure_note = format('not sent: the %s plan ended on %s', e.tier,
                                 to_char(e.subscription_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD'))
      FROM ended e
     WHERE a.user_id = e.id AND a.auto_status IN ('queued', 'tailoring', 'ready', 'awaiting_review', 'deferred_cooldown')
    RETURNING a.user_id
), told AS (
    INSERT INTO public.notifications (user_id, event_type, priority, title, body, metadata, expires_at)
    SELECT e.id, 'subscription_expired', 'high', format('Your %s plan has ended', initcap(e.tier)),
           concat('You are on the free plan now',
                  CASE WHEN e.auto_apply_enabled THEN ', so auto-apply is off' END,
                  CASE WHEN s.n > 0 THEN format(' and %s application%s waiting to be sent %s stopped', s.n,
                                                CASE WHEN s.n > 1 THEN 's' END, CASE WHEN s.n > 1 THEN 'were' ELSE 'was' END) END,
                  '. Renew to switch auto-apply and follow-ups back on.'),
           jsonb_build_object('tier', e.tier, 'ended_at', e.subscription_expires_at,
                              'auto_apply_switched_off', e.auto_apply_enabled, 'applications_stopped', s.n),
           now() + interval '7 days'
      FROM ended e
     CROSS JOIN LATERAL (SELECT count(*)::int AS n FROM stopped WHERE stopped.user_id = e.id) s
    RETURNING id
)
SELECT (SELECT count(*) FROM dropped) AS plans_ended,
       (SELECT count(*) FROM ended WHERE auto_apply_enabled) AS auto_apply_switched_off,
       (SELECT count(*) FROM stopped) AS applications_stopped,
       (SELECT count(*) FROM told) AS told
