-- Before a delivery run claims anything. A notification still 'sending' past its lease was in the hands
-- of a worker that died or hung mid-send: it may or may not have gone out, and none of the APIs takes an
-- idempotency key, so it is failed as outcome unknown and never sent again (at most once). Pending ones
-- past their expiry are failed unsent, and rate windows older than a day are forgotten. $1 lease seconds
WITH unknown AS (
    UPDATE public.notifications
       SET status = 'failed',
           delivery_error = format('outcome unknown: the send that started at %s UTC never reported back (its worker '
                                   'stopped or hung), so it is not sent again: a message is never delivered twice',
                                   to_char(claimed_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS'))
     WHERE status = 'sending' AND claimed_at < now() - make_interval(secs => $1::integer)
    RETURNING id
), expired AS (
    UPDATE public.notifications
       SET status = 'failed',
           delivery_error = format('expired at %s UTC before it could be delivered',
                                   to_char(expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI'))
     WHERE status = 'pending' AND channel <> 'dashboard' AND expires_at <= now()
    RETURNING id
), forgotten AS (
    DELETE FROM talvix.delivery_windows WHERE window_start < now() - interval '1 day' RETURNING 1
)
SELECT (SELECT count(*) FROM unknown) AS outcome_unknown, (SELECT count(*) FROM expired) AS expired,
       (SELECT count(*) FROM forgotten) AS windows_forgotten
