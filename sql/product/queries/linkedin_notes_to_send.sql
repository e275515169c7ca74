-- One user's LinkedIn notes to send now: the user switched sending on (profile.follow_up_send_linkedin),
-- the recruiter's profile is known, the user is still on a paid plan with a valid LinkedIn session,
-- the application has not been answered or stopped, and the draft is recent (an older one is left
-- for the user to send by hand). Oldest first. $1 user id (NULL: every user's, to know who has notes
-- to send), $2 how many
SELECT f.id, f.user_id, f.application_id, f.stage, f.body, a.recruiter_name, a.recruiter_linkedin_url,
       c.user_agent, c.viewport
  FROM public.follow_ups f
  JOIN public.job_applications a ON a.id = f.application_id
  JOIN public.users u ON u.id = f.user_id
  JOIN public.user_connections c ON c.user_id = f.user_id AND c.platform = 'linkedin' AND c.is_valid
 WHERE ($1::uuid IS NULL OR f.user_id = $1)
   AND f.channel = 'linkedin' AND f.status = 'draft'
   AND f.created_at > now() - interval '3 days'
   AND a.recruiter_linkedin_url IS NOT NULL
   AND a.follow_ups_stopped IS NULL
   AND (a.status IS NULL OR a.status IN ('applied', 'viewed'))
   AND u.profile -> 'follow_up_send_linkedin' = 'true'::jsonb
   AND talvix.on_paid_plan(u.tier, u.subscription_expires_at)
 ORDER BY f.created_at, f.id
 LIMIT $2
