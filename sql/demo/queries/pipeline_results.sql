-- What the pipeline's agents wrote: fit scores and the applications they queued.
SELECT j.company, j.title, s.score, s.recommendation, a.auto_status, a.tailored_resume_path, a.cover_letter_path
  FROM public.job_fit_scores s
  JOIN public.jobs j ON j.id = s.job_id
  LEFT JOIN public.job_applications a ON a.job_id = s.job_id AND a.user_id = s.user_id
 ORDER BY s.score DESC
