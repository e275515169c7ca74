-- Seconds until delivery has something to do again (NULL: nothing pending): the earliest pending
-- notification's next attempt, or the earliest lease of one being sent running out. $1 lease seconds
WITH next AS (
    SELECT least(
               (SELECT min(coalesce(next_attempt_at, created_at)) FROM public.notifications
                 WHERE status = 'pending' AND channel <> 'dashboard' AND expires_at > now()),
               (SELECT min(claimed_at) + make_interval(secs => $1::integer) FROM public.notifications WHERE status = 'sending')
           ) AS at
)
-- greatest() skips NULLs, so nothing to do must stay NULL here rather than become "now".
SELECT CASE WHEN at IS NULL THEN NULL ELSE greatest(0, extract(epoch FROM at - now()))::float8 END AS seconds FROM next
