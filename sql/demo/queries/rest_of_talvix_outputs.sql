-- What those runs left for the candidate, one line each. $1 the candidate
SELECT 'skill_gap' AS agent, 'top gaps: ' || coalesce((SELECT string_agg(g ->> 'skill', ', ') FROM jsonb_array_elements(r.top_gaps) WITH ORDINALITY AS x (g, n) WHERE n <= 3), 'none') AS result
  FROM public.skill_gap_results r WHERE r.user_id = $1
UNION ALL
SELECT 'career_intelligence', 'career score ' || c.career_score || ', salary p50 ' || coalesce(c.salary_p50_lpa::text || ' LPA', 'n/a')
  FROM public.career_intelligence c WHERE c.user_id = $1
UNION ALL
SELECT 'daily_coach', n.channel || ' · ' || n.title || ' · ' || n.status
  FROM public.notifications n WHERE n.user_id = $1 AND n.event_type = 'coach_message'
UNION ALL
SELECT 'follow_up', 'stage ' || f.stage || ' ' || f.channel || ': ' || f.status
  FROM public.follow_ups f WHERE f.user_id = $1
UNION ALL
SELECT 'follow_up_reply', r.classification || ' → application ' || a.status
  FROM public.follow_up_replies r JOIN public.job_applications a ON a.id = r.application_id WHERE r.user_id = $1
UNION ALL
SELECT 'feedback_calibrator', k.run_type || ': ' || k.status || coalesce(' (' || k.top_finding || ')', '')
  FROM public.calibration_runs k
