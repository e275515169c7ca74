-- A follow-up (an email, a LinkedIn note) that did not go: back to a draft when a later try may
-- work (nothing was handed over), else failed for good, with the reason.
-- $1 follow-up id, $2 retry later, $3 reason
UPDATE public.follow_ups
   SET status = CASE WHEN $2 THEN 'draft' ELSE 'failed' END, error = left($3, 500)
 WHERE id = $1 AND status = 'sending'
