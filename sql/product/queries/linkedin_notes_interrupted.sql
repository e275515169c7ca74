-- Notes a run left 'sending' (it died or was stopped between reserving and confirming): whether
-- LinkedIn got them is unknown, so they are failed, never sent again, and the user is told to look.
-- Called while holding the account's lock, so no live run has them. $1 user id
UPDATE public.follow_ups
   SET status = 'failed',
       error = 'a run stopped while sending this note: check LinkedIn before sending it by hand'
 WHERE user_id = $1 AND channel = 'linkedin' AND status = 'sending'
RETURNING id
