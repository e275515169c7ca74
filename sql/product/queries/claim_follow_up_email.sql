-- Take an email draft for sending: only one sender ever gets it (never sent twice). $1 follow-up id
UPDATE public.follow_ups SET status = 'sending' WHERE id = $1 AND status = 'draft' RETURNING id
