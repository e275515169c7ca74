-- A LinkedIn note LinkedIn did not take, before anything was reserved for it. With $3 (a limit or
-- the account stopped it, not the note: a weekly invitation limit, no personalized invitations
-- left) it stays a draft for another day; otherwise (the profile is gone, an invitation is already
-- pending, LinkedIn wants the recruiter's email, the note is too long) it fails. Either way the
-- reason is on the row for the user. $1 follow-up id, $2 reason, $3 keep it a draft
UPDATE public.follow_ups
   SET status = CASE WHEN $3 THEN 'draft' ELSE 'failed' END, error = left($2, 500)
 WHERE id = $1 AND channel = 'linkedin' AND status = 'draft'
