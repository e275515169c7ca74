-- Email drafts to send now: the user switched sending on (profile.follow_up_send_email), the
-- recruiter's address is known, the user is still on a paid plan, the application has not been
-- answered or stopped, and the draft is recent (an old one is left for the user to send by hand).
-- $1 how many
SELECT f.id, f.application_id, f.user_id, f.stage, f.subject, f.body, a.recruiter_email, u.email AS user_email,
       u.full_name
  FROM public.follow_ups f
  JOIN public.job_applications a ON a.id = f.application_id
  JOIN public.users u ON u.id = f.user_id
 WHERE f.channel = 'email' AND f.status = 'draft'
   AND f.created_at > now() - interval '3 days'
   AND a.recruiter_email IS NOT NULL
   AND a.follow_ups_stopped IS NULL
   AND (a.status IS NULL OR a.status IN ('applied', 'viewed'))
   AND u.profile -> 'follow_up_send_email' = 'true'::jsonb
   AND talvix.on_paid_plan(u.tier, u.subscription_expires_at)
 ORDER BY f.created_at, f.id
 LIMIT $1
