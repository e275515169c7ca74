-- A recruiter's answer, handed in by the app. $1 the application
INSERT INTO public.follow_up_replies (application_id, user_id, body)
SELECT id, user_id, 'Hi Asha, thanks for applying. Could we schedule a time for an interview next week?'
  FROM public.job_applications WHERE id = $1
