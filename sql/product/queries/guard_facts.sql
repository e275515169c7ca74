-- Everything the anti-ban guard weighs for one application, in one round trip.
-- $1 application id
SELECT a.id, a.user_id, a.auto_status, a.job_id, coalesce(a.platform, j.platform) AS platform,
       u.tier, u.subscription_expires_at, talvix.on_paid_plan(u.tier, u.subscription_expires_at) AS on_paid_plan,
       u.auto_apply_enabled, u.auto_apply_paused, u.auto_apply_paused_reason, u.auto_apply_activated_at, u.review_mode_ends_at,
       CASE WHEN u.apply_counts_day = talvix.utc_today() THEN u.daily_apply_count ELSE 0 END AS applied_today,
       u.daily_apply_limit,
       CASE WHEN u.apply_counts_month = date_trunc('month', talvix.utc_today())::date THEN u.monthly_apply_count ELSE 0 END
           AS applied_this_month,
       u.monthly_apply_limit,
       j.company, j.is_active,
       EXISTS (SELECT 1 FROM public.user_company_prefs p WHERE p.user_id = a.user_id AND p.pref_type = 'blacklist'
                  AND lower(p.company) = lower(j.company)) AS blacklisted,
       EXISTS (SELECT 1 FROM public.job_applications o WHERE o.user_id = a.user_id AND o.job_id = a.job_id
                  AND o.id <> a.id AND o.auto_status IN ('submitting', 'submitted', 'needs_check')) AS already_applied,
       (SELECT count(*) FROM public.job_applications o WHERE o.user_id = a.user_id AND o.auto_status = 'failed_captcha'
                  AND o.updated_at > now() - interval '24 hours') AS captchas_24h,
       (SELECT count(*) FROM public.job_applications o WHERE o.user_id = a.user_id
                  AND o.auto_status IN ('failed_captcha', 'failed_session', 'failed_not_found')
                  AND o.updated_at > now() - interval '1 hour') AS failed_submits_1h,
       c.consecutive_failures, c.is_valid AS session_valid,
       extract(epoch FROM now() - c.captured_at) / 86400 AS session_age_days,
       coalesce(d.linkedin_actions, 0) AS linkedin_used_today,
       coalesce(d.linkedin_limit, (SELECT value FROM talvix.limits WHERE name = 'linkedin_daily_actions')) AS linkedin_limit,
       (SELECT count(*) FROM public.job_applications o WHERE o.platform = 'linkedin' AND o.applied_at > now() - interval '1 hour')
           AS linkedin_applies_last_hour
  FROM public.job_applications a
  JOIN public.users u ON u.id = a.user_id
  LEFT JOIN public.jobs j ON j.id = a.job_id
  LEFT JOIN public.user_connections c ON c.user_id = a.user_id AND c.platform = coalesce(a.platform, j.platform)
  LEFT JOIN public.system_daily_limits d ON d.day = talvix.utc_today()
 WHERE a.id = $1
