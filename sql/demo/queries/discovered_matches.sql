-- The discovered jobs (those with a source board) the delta pass scored, best first.
SELECT j.source, j.company, j.title, j.city_canonical AS city, j.role_family, s.score, s.recommendation, a.auto_status
  FROM public.job_fit_scores s
  JOIN public.jobs j ON j.id = s.job_id
  LEFT JOIN public.job_applications a ON a.job_id = s.job_id AND a.user_id = s.user_id
 WHERE j.source IS NOT NULL
 ORDER BY s.score DESC, j.id
 LIMIT 10
