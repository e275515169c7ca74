-- What the rest of Talvix needs to have something to do, as the app would leave it: the candidate
-- opts in to the coach on email and to emailed and LinkedIn follow-ups, one application was sent six
-- days ago with its recruiter's address and LinkedIn profile, and one sent earlier already has the
-- recruiter's answer waiting. $1 the candidate. Returns the application the recruiter answered.
WITH profile AS (
    UPDATE public.users
       SET profile = profile || '{"coach_enabled": true, "notification_channel": "email", "follow_up_send_email": true,
                                  "follow_up_send_linkedin": true}'
     WHERE id = $1
    RETURNING id
), sent AS (
    INSERT INTO public.job_applications (user_id, job_id, method, auto_status, applied_at, recruiter_name, recruiter_email,
                                         recruiter_linkedin_url)
    SELECT $1, j.id, 'manual', 'submitted', now() - interval '6 days', 'Priya', 'priya@' || lower(j.company) || '.example',
           CASE WHEN row_number() OVER (ORDER BY j.id) = 1 THEN 'https://www.linkedin.com/in/priya-recruiter/' END
      FROM public.jobs j
     WHERE j.source IS NOT NULL AND NOT EXISTS (SELECT 1 FROM public.job_applications a WHERE a.user_id = $1 AND a.job_id = j.id)
     ORDER BY j.id
     LIMIT 2
    RETURNING id, job_id
)
SELECT id FROM sent ORDER BY job_id DESC LIMIT 1
