-- What the auto-apply scheduler and the anti-ban guard read. Every threshold and delay is data
-- (rows of talvix.limits), so operators tune them with an UPDATE, not a deploy.

INSERT INTO talvix.limits (name, value, note) VALUES
    ('apply_window_start_minute', 1200, 'apply window start, minutes after local midnight (20:00)'),
    ('apply_window_minutes', 600, 'apply window length in minutes (20:00-06:00)'),
    ('apply_slot_jitter_minutes', 15, 'a user''s slot moves by at most this much either way'),
    ('review_mode_days', 14, 'days after auto-apply activation during which applications wait for approval'),
    ('risk_points_captcha_24h', 20, 'risk points when 2+ captchas were met in the last 24 hours'),
    ('risk_points_consecutive_failures', 25, 'risk points when the session has failed 3+ times in a row'),
    ('risk_points_session_age', 30, 'risk points when the session was captured more than 10 days ago'),
    ('risk_points_failed_submits_1h', 15, 'risk points for 5+ failed submits in the last hour'),
    ('risk_points_hourly_actions', 10, 'risk points when this hour used 80%+ of an hour''s share of the day''s budget'),
    ('risk_cooldown_threshold', 70, 'risk score at which the application is deferred'),
    ('risk_block_threshold', 90, 'risk score at which the user''s auto-apply is paused'),
    ('risk_cooldown_minutes', 30, 'how long a deferred application waits')
ON CONFLICT (name) DO NOTHING;

ALTER TABLE public.users ADD COLUMN apply_counts_month date;  -- the UTC month monthly_apply_count belongs to

-- Count one application against the user's daily and monthly caps, atomically: counters roll over
-- on a new UTC day or month. Returns NULL when granted, else why not (the guard's skip reason).
CREATE FUNCTION talvix.reserve_user_apply(p_user uuid)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
DECLARE
    today date := talvix.utc_today();
    month date := date_trunc('month', talvix.utc_today())::date;
    u record;
BEGIN
    UPDATE public.users
       SET daily_apply_count = CASE WHEN apply_counts_day = today THEN daily_apply_count ELSE 0 END + 1,
           monthly_apply_count = CASE WHEN apply_counts_month = month THEN monthly_apply_count ELSE 0 END + 1,
           apply_counts_day = today, apply_counts_month = month
     WHERE id = p_user
       AND (CASE WHEN apply_counts_day = today THEN daily_apply_count ELSE 0 END) < daily_apply_limit
       AND (CASE WHEN apply_counts_month = month THEN monthly_apply_count ELSE 0 END) < monthly_apply_limit;
    IF FOUND THEN
        RETURN NULL;
    END IF;
    SELECT * INTO u FROM public.users WHERE id = p_user;
    IF NOT FOUND THEN
        RETURN 'no such user';
    ELSIF u.apply_counts_day = today AND u.daily_apply_count >= u.daily_apply_limit THEN
        RETURN format('daily cap reached (%s of %s today)', u.daily_apply_count, u.daily_apply_limit);
    END IF;
    RETURN format('monthly cap reached (%s of %s this month)', u.monthly_apply_count, u.monthly_apply_limit);
END;
$$;

-- Give back a reservation whose application was not sent.
CREATE FUNCTION talvix.release_user_apply(p_user uuid)
RETURNS void
LANGUAGE sql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
    UPDATE public.users
       SET daily_apply_count = greatest(daily_apply_count - 1, 0),
           monthly_apply_count = greatest(monthly_apply_count - 1, 0)
     WHERE id = p_user AND apply_counts_day = talvix.utc_today();
$$;

REVOKE ALL ON FUNCTION talvix.reserve_user_apply(uuid), talvix.release_user_apply(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION talvix.reserve_user_apply(uuid), talvix.release_user_apply(uuid) TO service_role;
