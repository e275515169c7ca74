-- What document_tailor needs about one application: the job, the user, the latest parsed resume.
-- $1 application id
SELECT a.id, a.user_id, a.auto_status, j.title, j.company, j.description, u.full_name, u.email,
       r.summary, r.raw_text
  FROM public.job_applications a
  JOIN public.jobs j ON j.id = a.job_id
  JOIN public.users u ON u.id = a.user_id
  LEFT JOIN LATERAL (SELECT summary, raw_text FROM public.resumes
                      WHERE user_id = a.user_id AND parse_status = 'parsed'
                      ORDER BY parsed_at DESC LIMIT 1) r ON true
 WHERE a.id = $1
