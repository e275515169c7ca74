-- Sent applications whose next follow-up is due: no answer yet (status empty, applied or viewed),
-- not stopped, the user on a paid plan, and applied at least follow_up_<stage>_after_days ago.
-- Oldest first. $1 how many
SELECT a.id AS application_id, a.user_id, a.follow_up_stage + 1 AS stage, a.recruiter_name, a.recruiter_email,
       a.applied_at, coalesce(j.title, 'the role') AS title, coalesce(j.company, 'your company') AS company,
       u.full_name, u.email AS user_email
  FROM public.job_applications a
  JOIN public.users u ON u.id = a.user_id
  LEFT JOIN public.jobs j ON j.id = a.job_id
 WHERE (a.auto_status = 'submitted' OR a.status = 'applied')
   AND a.applied_at IS NOT NULL
   AND (a.status IS NULL OR a.status IN ('applied', 'viewed'))
   AND a.follow_ups_stopped IS NULL
   AND a.follow_up_stage < 3
   AND talvix.on_paid_plan(u.tier, u.subscription_expires_at)
   AND a.applied_at + make_interval(days => (SELECT l.value FROM talvix.limits l
                                             WHERE l.name = 'follow_up_' || (a.follow_up_stage + 1) || '_after_days'))
       <= now()
 ORDER BY a.applied_at, a.id
 LIMIT $1
