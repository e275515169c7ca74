-- What users are told. Agents insert rows; the app shows them (channel 'dashboard'), and a sender for
-- another channel (WhatsApp, Telegram, email: the gateway side) takes that channel's pending rows and
-- marks them sent. The shape follows the prior system's table, with telegram allowed.
CREATE TABLE public.notifications (
    id         uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id    uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    channel    text NOT NULL DEFAULT 'dashboard' CHECK (channel IN ('dashboard', 'whatsapp', 'telegram', 'email')),
    event_type text NOT NULL,
    priority   text NOT NULL DEFAULT 'low' CHECK (priority IN ('high', 'low')),
    title      text NOT NULL,
    body       text NOT NULL,
    metadata   jsonb NOT NULL DEFAULT '{}'::jsonb,
    status     text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'read', 'failed')),
    read_at    timestamptz,
    created_at timestamptz NOT NULL DEFAULT now(),
    expires_at timestamptz NOT NULL                  -- high priority: 7 days, low: 48 hours
);
CREATE INDEX notifications_user_idx ON public.notifications (user_id, created_at DESC);
CREATE INDEX notifications_pending_idx ON public.notifications (channel, created_at) WHERE status = 'pending';
CREATE INDEX notifications_expires_idx ON public.notifications (expires_at);

ALTER TABLE public.notifications ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.notifications FROM PUBLIC, anon, authenticated;
GRANT ALL ON public.notifications TO service_role;
-- A signed-in user reads their own and marks them read; nothing else.
GRANT SELECT ON public.notifications TO authenticated;
GRANT UPDATE (status, read_at) ON public.notifications TO authenticated;
CREATE POLICY notifications_own_select ON public.notifications FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY notifications_own_update ON public.notifications FOR UPDATE TO authenticated
    USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid() AND status = 'read');
