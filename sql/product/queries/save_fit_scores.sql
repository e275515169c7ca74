-- Store one batch of scores and queue an application for each that reaches the user's threshold
-- with an 'apply' recommendation — in one statement, so scores and queued applications never
-- disagree. The queued insert is what triggers tailoring and applying. Only a user on a paid plan
-- gets queued applications (the free plan has no auto-apply); `held_back` counts the ones a user
-- without one would have had.
-- The threshold is the user's own, or the calibrated default (model_weights.min_fit_score_threshold)
-- when they have not set one; a dream company's score counts model_weights.dream_company_score_bonus
-- more. A missing weight never lowers the bar: without the threshold row only users with their own
-- threshold get applications queued, and without the bonus row there is no bonus.
-- $1 user id, $2 the batch as JSON [{job_id, score, label, recommendation, reasons, missing_skills}], $3 model
WITH scored AS (
    INSERT INTO public.job_fit_scores AS s (user_id, job_id, score, label, recommendation, reasons, missing_skills, model)
    SELECT $1, x.job_id, x.score, x.label, x.recommendation,
           ARRAY(SELECT jsonb_array_elements_text(x.reasons)), ARRAY(SELECT jsonb_array_elements_text(x.missing_skills)), $3
      FROM jsonb_to_recordset($2::jsonb)
           AS x (job_id bigint, score int, label text, recommendation text, reasons jsonb, missing_skills jsonb)
    ON CONFLICT (user_id, job_id) DO UPDATE
       SET score = EXCLUDED.score, label = EXCLUDED.label, recommendation = EXCLUDED.recommendation,
           reasons = EXCLUDED.reasons, missing_skills = EXCLUDED.missing_skills, model = EXCLUDED.model,
           scored_at = now()
    RETURNING s.user_id, s.job_id, s.score, s.recommendation
), queued AS (
    INSERT INTO public.job_applications (user_id, job_id, method, auto_status, platform, fit_score_at_apply)
    SELECT sc.user_id, sc.job_id, 'auto', 'queued', j.platform, sc.score
      FROM scored sc
      JOIN public.users u ON u.id = sc.user_id
      JOIN public.jobs j ON j.id = sc.job_id
     WHERE sc.recommendation = 'apply'
       AND sc.score + CASE WHEN EXISTS (SELECT 1 FROM public.user_company_prefs p
                                         WHERE p.user_id = sc.user_id AND p.pref_type = 'dream'
                                           AND lower(p.company) = lower(j.company))
                           THEN coalesce((SELECT weight_value FROM public.model_weights
                                           WHERE weight_name = 'dream_company_score_bonus'), 0)
                           ELSE 0 END
           >= coalesce(u.fit_score_threshold,
                       (SELECT weight_value FROM public.model_weights WHERE weight_name = 'min_fit_score_threshold'))
       AND talvix.on_paid_plan(u.tier, u.subscription_expires_at)
    ON CONFLICT (user_id, job_id) DO NOTHING
    RETURNING id
)
SELECT (SELECT count(*) FROM scored) AS scored, (SELECT count(*) FROM queued) AS queued,
       (SELECT count(*) FROM scored sc JOIN public.users u ON u.id = sc.user_id
         WHERE sc.recommendation = 'apply'
           AND sc.score >= coalesce(u.fit_score_threshold,
                                    (SELECT weight_value FROM public.model_weights WHERE weight_name = 'min_fit_score_threshold'))
           AND NOT talvix.on_paid_plan(u.tier, u.subscription_expires_at)) AS held_back
