-- What the providers say after a send (handlers/delivery/whatsapp_webhook.py, handlers/agents/notification_delivery.py).
--
--   WhatsApp accepts a message (200 + wamid) and may report later, by a signed webhook to the public gateway, that it
--   was delivered, read, or that it failed (131026 undeliverable, 131047 outside the 24-hour window, 131049 ecosystem
--   limit, ...). talvix.record_whatsapp_status() records that on the notification whose provider_message_id is the
--   wamid: the gateway's role may call it and nothing else.
--   A recipient who cannot be reached on a channel (Telegram: the bot blocked, the account deleted, the chat gone;
--   WhatsApp 131026: not a WhatsApp number) has that channel switched off with the provider's words, so the next
--   notifications stop going there, and the app can tell the user why.

-- Why and when the server switched a channel off (NULL while it is on, or when the user switched it off). The app
-- reads them (users may SELECT their own rows); only the server writes them.
ALTER TABLE public.user_notification_channels
    ADD COLUMN deactivated_reason text CHECK (char_length(deactivated_reason) <= 500),
    ADD COLUMN deactivated_at     timestamptz;

-- When the provider said the message reached the user's device. Its 'read' receipt sets read_at, the column the app
-- already uses for "the user has read this notification".
ALTER TABLE public.notifications ADD COLUMN delivered_at timestamptz;

-- The webhook finds its notification by wamid; the table holds at most 7 days of rows, so building the index inside
-- the migration is quick.
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX notifications_whatsapp_message_idx ON public.notifications (provider_message_id)
    WHERE channel = 'whatsapp' AND provider_message_id IS NOT NULL;

-- A user switching a channel back on (UPDATE … SET is_active = true, the one column they may change) also clears the
-- server's reason, which no longer holds; the reason columns stay out of the user's reach.
CREATE FUNCTION talvix.clear_channel_deactivation() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    NEW.deactivated_reason := NULL;
    NEW.deactivated_at := NULL;
    RETURN NEW;
END;
$$;
REVOKE ALL ON FUNCTION talvix.clear_channel_deactivation() FROM PUBLIC;
CREATE TRIGGER user_notification_channels_reactivated BEFORE UPDATE OF is_active ON public.user_notification_channels
    FOR EACH ROW WHEN (NEW.is_active AND NOT OLD.is_active) EXECUTE FUNCTION talvix.clear_channel_deactivation();

-- Switch a user's channel off because the provider said its address cannot receive. Only the channel row that the
-- failed message was sent to: a row created after `sent_before` is a new address (users change an address by deleting
-- and adding the row), which this failure says nothing about. True when a row was switched off.
CREATE FUNCTION talvix.switch_channel_off(for_user uuid, on_channel text, reason text, sent_before timestamptz)
RETURNS boolean
LANGUAGE sql SET search_path = pg_catalog AS $$
    WITH switched AS (
        UPDATE public.user_notification_channels c
           SET is_active = false, deactivated_reason = left(reason, 500), deactivated_at = now()
         WHERE c.user_id = for_user AND c.channel = on_channel AND c.is_active AND c.created_at <= sent_before
        RETURNING 1
    )
    SELECT count(*) > 0 FROM switched
$$;
REVOKE ALL ON FUNCTION talvix.switch_channel_off(uuid, text, text, timestamptz) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.switch_channel_off(uuid, text, text, timestamptz) TO service_role;

-- Statuses whose wamid no notification has yet: Meta's webhook can outrun the worker, which stores the wamid once the
-- send's answer is back (a number that cannot receive, 131026, fails within moments). Kept a day, and applied when the
-- worker stores the wamid (talvix.apply_early_whatsapp_statuses).
CREATE TABLE talvix.whatsapp_early_statuses (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    message_id  text NOT NULL CHECK (char_length(message_id) <= 300),
    new_status  text NOT NULL,
    status_at   timestamptz NOT NULL,
    error_code  integer,
    error_text  text,
    received_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX whatsapp_early_statuses_message_idx ON talvix.whatsapp_early_statuses (message_id);
CREATE INDEX whatsapp_early_statuses_received_idx ON talvix.whatsapp_early_statuses (received_at);  -- the day's expiry
REVOKE ALL ON talvix.whatsapp_early_statuses FROM PUBLIC, anon, authenticated;
GRANT ALL ON talvix.whatsapp_early_statuses TO service_role;

-- One status update of WhatsApp's webhook, on the notification sent as `message_id` (a wamid). Returns what it did:
--   'delivered', 'read', 'failed'  recorded;
--   'unchanged'  nothing to record: 'sent' (the row says so already), a repeat, or an update older than what the row
--                knows (Meta does not promise order: a 'delivered' after 'read', a 'read' after 'failed');
--   'unknown'    no WhatsApp notification has that wamid yet: kept a day in talvix.whatsapp_early_statuses, in case
--                the worker has not stored it yet (else another system's message on the same number, or a row the
--                session sweep already deleted).
-- A late failure fails the row with the provider's words and is never sent again (claims take 'pending' rows only);
-- it is ignored once the row was delivered or read: the user has the message, on one of their devices. 131026 (the
-- number cannot receive WhatsApp messages) also switches the user's WhatsApp channel off.
-- SECURITY DEFINER: the gateway's role (talvix_gateway) may call this and nothing else; it cannot read a notification.
CREATE FUNCTION talvix.record_whatsapp_status(
    message_id text, new_status text, status_at timestamptz, error_code integer, error_text text
) RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog AS $$
DECLARE
    target public.notifications%ROWTYPE;
BEGIN
    -- With talvix.apply_early_whatsapp_statuses: a status is either found here or kept and applied there, never lost
    -- between the worker storing the wamid and this lookup.
    PERFORM pg_advisory_xact_lock(hashtextextended('talvix.wamid:' || message_id, 0));
    SELECT * INTO target FROM public.notifications n
     WHERE n.channel = 'whatsapp' AND n.provider_message_id = message_id
       FOR UPDATE;
    IF NOT FOUND THEN
        DELETE FROM talvix.whatsapp_early_statuses e WHERE e.received_at < now() - interval '1 day';
        INSERT INTO talvix.whatsapp_early_statuses (message_id, new_status, status_at, error_code, error_text)
        VALUES (left(message_id, 300), new_status, status_at, error_code, left(error_text, 500));
        RETURN 'unknown';
    END IF;
    IF target.status = 'failed' THEN
        RETURN 'unchanged';
    END IF;
    IF new_status = 'delivered' AND target.delivered_at IS NULL AND target.read_at IS NULL THEN
        UPDATE public.notifications SET delivered_at = status_at WHERE id = target.id;
        RETURN 'delivered';
    END IF;
    IF new_status = 'read' AND target.read_at IS NULL THEN
        UPDATE public.notifications SET read_at = status_at, delivered_at = coalesce(delivered_at, status_at)
         WHERE id = target.id;
        RETURN 'read';
    END IF;
    IF new_status = 'failed' AND target.status = 'sent' AND target.delivered_at IS NULL AND target.read_at IS NULL THEN
        UPDATE public.notifications
           SET status = 'failed', delivery_error = left(error_text, 500), next_attempt_at = NULL
         WHERE id = target.id;
        IF error_code = 131026 THEN
            PERFORM talvix.switch_channel_off(target.user_id, 'whatsapp', error_text, target.sent_at);
        END IF;
        RETURN 'failed';
    END IF;
    RETURN 'unchanged';
END;
$$;
REVOKE ALL ON FUNCTION talvix.record_whatsapp_status(text, text, timestamptz, integer, text) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.record_whatsapp_status(text, text, timestamptz, integer, text) TO talvix_gateway, service_role;

-- The worker stored `p_message_id` on its notification: apply the statuses that arrived before it, oldest first.
-- Returns how many were recorded on it.
CREATE FUNCTION talvix.apply_early_whatsapp_statuses(p_message_id text) RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
DECLARE
    early record;
    applied integer := 0;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('talvix.wamid:' || p_message_id, 0));
    FOR early IN WITH taken AS (DELETE FROM talvix.whatsapp_early_statuses e WHERE e.message_id = p_message_id RETURNING e.*)
                 SELECT * FROM taken ORDER BY status_at, id LOOP
        IF talvix.record_whatsapp_status(early.message_id, early.new_status, early.status_at, early.error_code,
                                         early.error_text) <> 'unknown' THEN
            applied := applied + 1;
        END IF;
    END LOOP;
    RETURN applied;
END;
$$;
REVOKE ALL ON FUNCTION talvix.apply_early_whatsapp_statuses(text) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.apply_early_whatsapp_statuses(text) TO service_role;
