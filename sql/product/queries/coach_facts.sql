-- What the daily coach knows about one user: whether they may be coached (a paid tier and
-- profile.coach_enabled), where they want messages (profile.notification_channel, else the
-- dashboard), and their last 24 hours and 7 days: applications sent, callbacks and rejections
-- (from learning_signals, once per application), what waits for them, the skills their recent
-- matches missed most, and today's best new match. No row: no such user.
-- $1 user id, $2 the UTC date the message is for
SELECT u.id, u.tier, nullif(split_part(trim(coalesce(u.full_name, '')), ' ', 1), '') AS first_name,
       u.tier IN ('student', 'professional') AS paid,
       u.profile @> '{"coach_enabled": true}' AS opted_in,
       CASE WHEN u.profile ->> 'notification_channel' IN ('dashboard', 'whatsapp', 'telegram', 'email')
            THEN u.profile ->> 'notification_channel' ELSE 'dashboard' END AS channel,
       coalesce(u.fit_score_threshold,
                (SELECT w.weight_value FROM public.model_weights w WHERE w.weight_name = 'min_fit_score_threshold'))::int
           AS threshold,
       (SELECT count(*) FROM public.job_applications a
         WHERE a.user_id = u.id AND a.applied_at >= now() - interval '24 hours') AS submitted_24h,
       (SELECT count(*) FROM public.job_applications a
         WHERE a.user_id = u.id AND a.applied_at >= now() - interval '7 days') AS submitted_7d,
       (SELECT count(DISTINCT s.context ->> 'application_id') FROM public.learning_signals s
         WHERE s.user_id = u.id AND s.created_at >= now() - interval '7 days'
           AND s.signal_type IN ('callback_received', 'interview_received', 'offer_received')) AS callbacks_7d,
       (SELECT count(DISTINCT s.context ->> 'application_id') FROM public.learning_signals s
         WHERE s.user_id = u.id AND s.created_at >= now() - interval '7 days'
           AND s.signal_type IN ('rejection_received', 'ghosted')) AS rejections_7d,
       (SELECT count(*) FROM public.job_applications a
         WHERE a.user_id = u.id AND a.auto_status = 'awaiting_review') AS awaiting_review,
       (SELECT count(*) FROM public.job_applications a
         WHERE a.user_id = u.id AND a.auto_status IN ('failed_captcha', 'failed_session', 'needs_check')
           AND a.updated_at >= now() - interval '7 days') AS need_attention,
       (SELECT count(*) FROM public.job_applications a
         WHERE a.user_id = u.id
           AND a.auto_status IN ('queued', 'tailoring', 'ready', 'in_progress', 'deferred_cooldown')) AS in_pipeline,
       ARRAY(SELECT m FROM public.job_fit_scores f, unnest(f.missing_skills) m
              WHERE f.user_id = u.id AND f.scored_at >= now() - interval '14 days'
              GROUP BY m ORDER BY count(*) DESC, m LIMIT 3) AS missing_skills,
       (SELECT jsonb_build_object('title', j.title, 'company', j.company, 'score', f.score)
          FROM public.job_fit_scores f JOIN public.jobs j ON j.id = f.job_id
         WHERE f.user_id = u.id AND f.scored_at >= now() - interval '24 hours' AND j.is_active
         ORDER BY f.score DESC, f.job_id LIMIT 1) AS best_match,
       EXISTS (SELECT 1 FROM public.notifications n
                WHERE n.user_id = u.id AND n.event_type = 'coach_message'
                  AND n.metadata ->> 'coach_date' = to_char($2::date, 'YYYY-MM-DD')) AS already_coached
  FROM public.users u
 WHERE u.id = $1
