-- A reply to read, with what it answers. $1 reply id
SELECT r.id, r.application_id, r.user_id, r.channel, r.body, r.classification,
       a.status AS application_status, coalesce(j.title, 'the role') AS title, coalesce(j.company, '') AS company
  FROM public.follow_up_replies r
  JOIN public.job_applications a ON a.id = r.application_id
  LEFT JOIN public.jobs j ON j.id = a.job_id
 WHERE r.id = $1
