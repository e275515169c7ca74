-- Everything auto_apply needs about one application: the job's URL, the user's contact details and
-- profile and time zone, the latest parsed resume's summary (years per skill), and the stored
-- browser fingerprint.
-- $1: application id.
SELECT a.*, j.apply_url, u.full_name, u.email, u.phone, u.profile, u.timezone, c.user_agent, c.viewport,
       r.summary AS resume_summary
  FROM public.job_applications a
  JOIN public.users u ON u.id = a.user_id
  LEFT JOIN public.jobs j ON j.id = a.job_id
  LEFT JOIN public.user_connections c ON c.user_id = a.user_id AND c.platform = a.platform
  LEFT JOIN LATERAL (SELECT summary FROM public.resumes
                      WHERE user_id = a.user_id AND parse_status = 'parsed'
                      ORDER BY parsed_at DESC LIMIT 1) r ON true
 WHERE a.id = $1
