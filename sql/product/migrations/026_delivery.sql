-- Notifications delivered outside the app (handlers/agents/notification_delivery.py): WhatsApp
-- (Cloud API), Telegram (Bot API) and email (SMTP). The row is the durable record of each message.
--
--   notifications INSERT, channel <> 'dashboard' (a whole statement is one event) ──► notification_delivery
--   notification_delivery: claim a row ('sending'), send it, then 'sent' / 'failed' (with why) /
--   'pending' again with next_attempt_at (429, 5xx, no connection), and queue itself for the earliest
--   next_attempt_at.
--
-- At most once: a row is claimed ('sending', claimed_at) and committed before its request leaves, so two
-- workers never send the same row. A row still 'sending' after delivery_lease_seconds was being sent by
-- a worker that died or hung; none of the three APIs takes an idempotency key, so it is failed as
-- "outcome unknown" instead of being sent again.

-- Where a user is reached on each channel. A channel is used when it is active and verified (the app's
-- link flow sets verified_at: the Telegram /start handshake, a WhatsApp or email code). A user adds
-- and removes their own rows and may switch one off; only the server verifies.
CREATE TABLE public.user_notification_channels (
    id          uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    channel     text NOT NULL CHECK (channel IN ('whatsapp', 'telegram', 'email')),
    address     text NOT NULL CHECK (char_length(address) <= 254),
    is_active   boolean NOT NULL DEFAULT true,
    verified_at timestamptz,
    created_at  timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, channel),
    -- WhatsApp: E.164 (+ and 8 to 15 digits); Telegram: the numeric chat id; email: one address.
    CONSTRAINT user_notification_channels_address_format CHECK (
        CASE channel
            WHEN 'whatsapp' THEN address ~ '^\+[1-9][0-9]{7,14}$'
            WHEN 'telegram' THEN address ~ '^-?[0-9]{1,20}$'
            ELSE address ~ '^[^@[:space:]]+@[^@[:space:]]+\.[^@[:space:]]+$'
        END)
);

ALTER TABLE public.user_notification_channels ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.user_notification_channels FROM PUBLIC, anon, authenticated;
GRANT ALL ON public.user_notification_channels TO service_role;
GRANT SELECT, DELETE ON public.user_notification_channels TO authenticated;
GRANT INSERT (user_id, channel, address) ON public.user_notification_channels TO authenticated;
GRANT UPDATE (is_active) ON public.user_notification_channels TO authenticated;
CREATE POLICY user_notification_channels_own_select ON public.user_notification_channels
    FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY user_notification_channels_own_insert ON public.user_notification_channels
    FOR INSERT TO authenticated WITH CHECK (user_id = auth.uid());
CREATE POLICY user_notification_channels_own_update ON public.user_notification_channels
    FOR UPDATE TO authenticated USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());
CREATE POLICY user_notification_channels_own_delete ON public.user_notification_channels
    FOR DELETE TO authenticated USING (user_id = auth.uid());

-- Each notification's delivery: how many sends were tried, when the next may be, who holds it, and
-- what happened ('sending' is new: claimed, its request possibly in flight).
ALTER TABLE public.notifications
    ADD COLUMN attempts            integer NOT NULL DEFAULT 0,
    ADD COLUMN next_attempt_at     timestamptz,
    ADD COLUMN claimed_at          timestamptz,
    ADD COLUMN claimed_by          text,
    ADD COLUMN sent_at             timestamptz,
    ADD COLUMN provider_message_id text,
    ADD COLUMN delivery_error      text CHECK (char_length(delivery_error) <= 500);
-- The table holds at most 7 days of notifications (the session sweep deletes expired ones), so
-- checking the widened status list and building the indexes inside the migration is quick.
-- squawk-ignore ban-drop-constraint
ALTER TABLE public.notifications DROP CONSTRAINT notifications_status_check;
-- squawk-ignore constraint-missing-not-valid
ALTER TABLE public.notifications ADD CONSTRAINT notifications_status_check
    CHECK (status IN ('pending', 'sending', 'sent', 'read', 'failed'));
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX notifications_due_idx ON public.notifications ((coalesce(next_attempt_at, created_at)))
    WHERE status = 'pending' AND channel <> 'dashboard';
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX notifications_sending_idx ON public.notifications (claimed_at) WHERE status = 'sending';

-- Sends per channel per window, across every worker: a slot is taken (a conditional upsert) before each
-- request. Rows older than a day are deleted by the delivery run.
CREATE TABLE talvix.delivery_windows (
    channel      text NOT NULL,
    window_start timestamptz NOT NULL,
    sent         integer NOT NULL CHECK (sent >= 0),
    PRIMARY KEY (channel, window_start)
);
REVOKE ALL ON talvix.delivery_windows FROM PUBLIC, anon, authenticated;
GRANT ALL ON talvix.delivery_windows TO service_role;

-- The channels a notification meant for the user goes to: the dashboard, and every channel they have
-- active and verified. The session sweep and the guard's pause insert one row per channel this gives.
CREATE FUNCTION talvix.notification_channels(for_user uuid) RETURNS SETOF text
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT 'dashboard'
    UNION ALL
    SELECT c.channel FROM public.user_notification_channels c
     WHERE c.user_id = for_user AND c.is_active AND c.verified_at IS NOT NULL
$$;
REVOKE ALL ON FUNCTION talvix.notification_channels(uuid) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION talvix.notification_channels(uuid) TO service_role;

INSERT INTO talvix.limits (name, value, note) VALUES
    ('delivery_max_attempts', 5, 'sends of one notification (429, 5xx, no connection) before it is failed'),
    ('delivery_retry_base_seconds', 30, 'wait before the second send; it doubles each time, with jitter'),
    ('delivery_retry_max_seconds', 3600, 'longest wait between two sends of one notification'),
    ('delivery_lease_seconds', 120, 'a notification still sending after this is failed as outcome unknown, never resent'),
    ('delivery_window_seconds', 60, 'the window the per-channel rates count in'),
    ('delivery_whatsapp_per_window', 600, 'WhatsApp messages per window, across all workers'),
    ('delivery_telegram_per_window', 1200, 'Telegram messages per window (Telegram asks bots for at most 30 a second)'),
    ('delivery_email_per_window', 60, 'emails per window, across all workers'),
    ('delivery_parallel_sends', 4, 'sends one delivery run makes at once'),
    ('delivery_run_seconds', 240, 'a delivery run claims nothing new after this long and queues the next run');

-- columns => '{}' gives every inserted row the same dedup key: one event per batch of new notifications.
SELECT talvix.watch('public.notifications', 'notification_delivery', '{INSERT}',
                    condition => $$NEW.channel <> 'dashboard'$$, columns => '{}', dedup => true);
