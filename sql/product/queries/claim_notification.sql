-- Take the next due notification for sending: 'sending' with this worker's claim, committed before the
-- request leaves, so no other worker can send it (SKIP LOCKED: workers never wait on each other). With
-- it, where its user is reached: the channel row (if any) and the account's email.
-- $1 worker id, $2 channels to leave out (their rate window is spent)
WITH next AS (
    SELECT n.id FROM public.notifications n
     WHERE n.status = 'pending' AND n.channel <> 'dashboard' AND n.channel <> ALL ($2::text[])
       AND coalesce(n.next_attempt_at, n.created_at) <= now() AND n.expires_at > now()
     ORDER BY coalesce(n.next_attempt_at, n.created_at), n.id
     LIMIT 1
       FOR UPDATE SKIP LOCKED
), claimed AS (
    UPDATE public.notifications n
       SET status = 'sending', claimed_at = now(), claimed_by = $1, attempts = n.attempts + 1
      FROM next
     WHERE n.id = next.id
    RETURNING n.id, n.user_id, n.channel, n.event_type, n.title, n.body, n.attempts, n.claimed_at
)
SELECT c.id, c.user_id, c.channel, c.event_type, c.title, c.body, c.attempts, c.claimed_at,
       u.email AS account_email, ch.address, ch.is_active, ch.verified_at, ch.deactivated_reason, ch.deactivated_at
  FROM claimed c
  JOIN public.users u ON u.id = c.user_id
  LEFT JOIN public.user_notification_channels ch ON ch.user_id = c.user_id AND ch.channel = c.channel
