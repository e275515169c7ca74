-- A LinkedIn note that cannot go as it is (the profile is gone, an invitation is already pending,
-- LinkedIn wants the recruiter's email, the note is too long for this account): failed with the
-- reason, for the user to act on. It was never claimed, so it is failed from 'draft'.
-- $1 follow-up id, $2 reason
UPDATE public.follow_ups SET status = 'failed', error = left($2, 500)
 WHERE id = $1 AND channel = 'linkedin' AND status = 'draft'
