-- Users with a LinkedIn note ready to send (see linkedin_notes_to_send.sql): one linkedin_notes run each.
SELECT DISTINCT f.user_id
  FROM public.follow_ups f
  JOIN public.job_applications a ON a.id = f.application_id
  JOIN public.users u ON u.id = f.user_id
  JOIN public.user_connections c ON c.user_id = f.user_id AND c.platform = 'linkedin' AND c.is_valid
 WHERE f.channel = 'linkedin' AND f.status = 'draft'
   AND f.created_at > now() - interval '3 days'
   AND a.recruiter_linkedin_url IS NOT NULL
   AND a.follow_ups_stopped IS NULL
   AND (a.status IS NULL OR a.status IN ('applied', 'viewed'))
   AND u.profile -> 'follow_up_send_linkedin' = 'true'::jsonb
   AND talvix.on_paid_plan(u.tier, u.subscription_expires_at)
