-- Follow-ups on sent applications (handlers/agents/follow_up.py, follow_up_reply.py), as the earlier
-- backend's agent 14 meant them: a polite email to the recruiter some days after applying, a second
-- one, then a closing one, and a short LinkedIn note; and every reply read, so a recruiter who
-- answered is never chased again.
--
--   follow_up (daily, talvix.schedules) ──► follow_ups rows (drafts; an email is sent over SMTP
--                                            when the user switched sending on) ──► learning_signals
--   follow_up_replies INSERT ──► follow_up_reply (Think) ──► job_applications.status, follow-ups stop
--
-- Paid plans only (talvix.on_paid_plan, migration 027): the free plan has no follow-ups.

-- Who to write to: the app (or the user) fills these when the posting or the recruiter names them.
ALTER TABLE public.job_applications
    ADD COLUMN recruiter_name         text CHECK (char_length(recruiter_name) <= 200),
    ADD COLUMN recruiter_email        text CHECK (recruiter_email ~ '^[^@\s<>]+@[^@\s<>]+\.[^@\s<>]+$'),
    ADD COLUMN follow_up_stage        smallint NOT NULL DEFAULT 0 CHECK (follow_up_stage BETWEEN 0 AND 3),
    ADD COLUMN follow_ups_stopped     text;   -- why no more follow-ups (a reply, the user), NULL: they go on

-- The user says who the recruiter is and may stop follow-ups; nothing else of the new columns.
GRANT UPDATE (recruiter_name, recruiter_email, follow_ups_stopped) ON public.job_applications TO authenticated;

-- One row per application, stage and channel: a stage is drafted once, and sent at most once.
CREATE TABLE public.follow_ups (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id uuid NOT NULL REFERENCES public.job_applications (id) ON DELETE CASCADE,
    user_id        uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    stage          smallint NOT NULL CHECK (stage BETWEEN 1 AND 3),
    channel        text NOT NULL CHECK (channel IN ('email', 'linkedin')),
    subject        text CHECK (char_length(subject) <= 200),
    body           text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 4000),
    status         text NOT NULL DEFAULT 'draft' CHECK (status IN ('draft', 'sending', 'sent', 'failed')),
    error          text CHECK (char_length(error) <= 500),
    provider_id    text,
    created_at     timestamptz NOT NULL DEFAULT now(),
    sent_at        timestamptz,
    UNIQUE (application_id, stage, channel),
    -- LinkedIn caps a connection note at 300 characters.
    CHECK (channel <> 'linkedin' OR char_length(body) <= 300)
);
CREATE INDEX follow_ups_user_idx ON public.follow_ups (user_id, created_at DESC);

-- Replies the app received (a forwarded email, a LinkedIn message the user pasted): each is read once.
CREATE TABLE public.follow_up_replies (
    id             uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    application_id uuid NOT NULL REFERENCES public.job_applications (id) ON DELETE CASCADE,
    user_id        uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    channel        text NOT NULL DEFAULT 'email' CHECK (channel IN ('email', 'linkedin')),
    body           text NOT NULL CHECK (char_length(body) BETWEEN 1 AND 20000),
    received_at    timestamptz NOT NULL DEFAULT now(),
    classification text CHECK (classification IN ('interview', 'positive', 'rejection', 'auto_reply', 'other')),
    classified_at  timestamptz
);
CREATE INDEX follow_up_replies_application_idx ON public.follow_up_replies (application_id);

ALTER TABLE public.follow_ups ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.follow_up_replies ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.follow_ups, public.follow_up_replies FROM PUBLIC, anon, authenticated;
GRANT ALL ON public.follow_ups, public.follow_up_replies TO service_role;
-- A user reads their drafts (to send them by hand) and hands in the replies they received.
GRANT SELECT ON public.follow_ups TO authenticated;
CREATE POLICY follow_ups_own_select ON public.follow_ups FOR SELECT TO authenticated USING (user_id = auth.uid());
GRANT SELECT ON public.follow_up_replies TO authenticated;
GRANT INSERT (application_id, user_id, channel, body) ON public.follow_up_replies TO authenticated;
CREATE POLICY follow_up_replies_own_select ON public.follow_up_replies FOR SELECT TO authenticated
    USING (user_id = auth.uid());
CREATE POLICY follow_up_replies_own_insert ON public.follow_up_replies FOR INSERT TO authenticated
    WITH CHECK (user_id = auth.uid()
                AND EXISTS (SELECT 1 FROM public.job_applications a WHERE a.id = application_id AND a.user_id = auth.uid()));

INSERT INTO talvix.limits (name, value, note) VALUES
    ('follow_up_1_after_days', 5, 'days after applying before the first follow-up'),
    ('follow_up_2_after_days', 12, 'days after applying before the second follow-up'),
    ('follow_up_3_after_days', 19, 'days after applying before the closing follow-up'),
    ('follow_up_max_per_run', 500, 'follow-ups drafted per run; the rest wait for the next');

-- Daily at 04:30 UTC (10:00 in India), inside a recruiter's working day.
INSERT INTO talvix.schedules (agent, utc_minute, note)
VALUES ('follow_up', 270, 'daily: follow-ups due on sent applications are drafted, and emailed where the user allows');

SELECT talvix.watch('public.follow_up_replies', 'follow_up_reply', '{INSERT}');
