-- What the calibration rule reads from one window of learning signals. Outcomes are counted per
-- application (an application called back and later rejected counts once, as called back), split
-- by its fit score at apply time against the current threshold and by whether the company is one
-- of the user's dream companies. Applications without a fit score count in neither split.
-- $1 window start, $2 window end (exclusive), $3 the current min_fit_score_threshold (NULL: none)
WITH in_window AS (
    SELECT signal_type, context FROM public.learning_signals WHERE created_at >= $1 AND created_at < $2
), outcomes AS (
    SELECT context ->> 'application_id' AS application_id,
           bool_or(signal_type IN ('callback_received', 'interview_received', 'offer_received')) AS called_back,
           min((context ->> 'fit_score_at_apply')::numeric) AS fit_score,
           bool_or(coalesce((context ->> 'dream')::boolean, false)) AS dream
      FROM in_window
     WHERE signal_type IN ('callback_received', 'interview_received', 'offer_received', 'rejection_received', 'ghosted')
       AND context ? 'application_id'
     GROUP BY 1
)
SELECT (SELECT count(*) FROM in_window) AS signals,
       (SELECT count(*) FROM in_window WHERE signal_type = 'application_submitted') AS submitted,
       count(*) AS outcomes,
       count(*) FILTER (WHERE called_back) AS callbacks,
       count(*) FILTER (WHERE called_back AND fit_score < $3::numeric) AS callbacks_below,
       count(*) FILTER (WHERE fit_score >= $3::numeric) AS outcomes_at_or_above,
       count(*) FILTER (WHERE called_back AND fit_score >= $3::numeric) AS callbacks_at_or_above,
       count(*) FILTER (WHERE dream) AS dream_outcomes,
       count(*) FILTER (WHERE dream AND called_back) AS dream_callbacks,
       count(*) FILTER (WHERE NOT dream) AS other_outcomes,
       count(*) FILTER (WHERE NOT dream AND called_back) AS other_callbacks
  FROM outcomes
