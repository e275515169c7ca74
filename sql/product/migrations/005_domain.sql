-- The Talvix domain: users, resumes, preferences, platform sessions, jobs, fit scores, applications,
-- and the daily LinkedIn budget. One status vocabulary, CHECKs the code really uses, updated_at
-- kept by trigger. Security (RLS, grants) is in 006_security.sql.

CREATE FUNCTION talvix.touch_updated_at() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END;
$$;

CREATE TABLE public.users (
    id                       uuid PRIMARY KEY DEFAULT gen_random_uuid(),  -- = auth.users.id on Supabase
    email                    text NOT NULL UNIQUE,
    full_name                text,
    phone                    text,
    tier                     text NOT NULL DEFAULT 'free' CHECK (tier IN ('free', 'student', 'professional')),
    -- For the user's day (apply window, notice texts); budgets and counters use UTC days.
    timezone                 text NOT NULL DEFAULT 'Asia/Kolkata',
    -- Facts the form answerer may use: years, notice period, salary expectation, authorisation…
    profile                  jsonb NOT NULL DEFAULT '{}'::jsonb,
    auto_apply_enabled       boolean NOT NULL DEFAULT false,
    auto_apply_activated_at  timestamptz,      -- set by trigger when auto-apply is first enabled
    auto_apply_paused        boolean NOT NULL DEFAULT false,
    auto_apply_paused_reason text,
    fit_score_threshold      integer NOT NULL DEFAULT 75 CHECK (fit_score_threshold BETWEEN 40 AND 100),
    daily_apply_limit        integer NOT NULL DEFAULT 10 CHECK (daily_apply_limit BETWEEN 1 AND 25),
    monthly_apply_limit      integer NOT NULL DEFAULT 250 CHECK (monthly_apply_limit BETWEEN 1 AND 1000),
    daily_apply_count        integer NOT NULL DEFAULT 0 CHECK (daily_apply_count >= 0),
    monthly_apply_count      integer NOT NULL DEFAULT 0 CHECK (monthly_apply_count >= 0),
    apply_counts_day         date,             -- the UTC day daily_apply_count belongs to
    fit_scores_stale         boolean NOT NULL DEFAULT true,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION talvix.stamp_auto_apply_activation() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    IF NEW.auto_apply_enabled AND NEW.auto_apply_activated_at IS NULL THEN
        NEW.auto_apply_activated_at := now();
    END IF;
    RETURN NEW;
END;
$$;

CREATE TRIGGER users_auto_apply_activation BEFORE INSERT OR UPDATE OF auto_apply_enabled ON public.users
    FOR EACH ROW EXECUTE FUNCTION talvix.stamp_auto_apply_activation();

CREATE TABLE public.resumes (
    id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id      uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    -- The app gives the text, or a file under the storage root (STORAGE_ROOT, /storage by default).
    raw_text     text,
    storage_path text,
    parse_status text NOT NULL DEFAULT 'pending' CHECK (parse_status IN ('pending', 'parsed', 'failed')),
    parse_error  text,
    summary      jsonb,
    parsed_at    timestamptz,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    CHECK (raw_text IS NOT NULL OR storage_path IS NOT NULL)
);
CREATE INDEX resumes_user_idx ON public.resumes (user_id, created_at DESC);

CREATE TABLE public.user_target_roles (
    user_id    uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    role_title text NOT NULL CHECK (char_length(role_title) BETWEEN 1 AND 120),
    priority   smallint NOT NULL DEFAULT 1 CHECK (priority BETWEEN 1 AND 5),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, role_title)
);

CREATE TABLE public.user_company_prefs (
    user_id    uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    company    text NOT NULL,   -- compared lower-cased
    pref_type  text NOT NULL CHECK (pref_type IN ('dream', 'blacklist')),
    created_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, company, pref_type)
);

CREATE TABLE public.user_connections (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id              uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    platform             text NOT NULL CHECK (platform IN ('linkedin', 'indeed')),
    -- Secret: the encrypted cookies. Version 1 is the Node gateway's AES-256-CBC (hex ciphertext,
    -- hex IV); version 2 is this project's AES-256-GCM bound to (user_id, platform).
    session_encrypted    text NOT NULL,
    session_iv           text NOT NULL,
    session_version      smallint NOT NULL DEFAULT 1 CHECK (session_version IN (1, 2)),
    is_valid             boolean NOT NULL DEFAULT true,
    consecutive_failures integer NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    estimated_expires_at timestamptz,
    user_agent           text,
    viewport             text CHECK (viewport ~ '^[0-9]{3,4}x[0-9]{3,4}$'),
    warning_7d_sent      boolean NOT NULL DEFAULT false,
    warning_3d_sent      boolean NOT NULL DEFAULT false,
    warning_1d_sent      boolean NOT NULL DEFAULT false,
    last_validated_at    timestamptz,
    captured_at          timestamptz NOT NULL DEFAULT now(),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, platform)
);

-- OAuth tokens live apart from users, encrypted, and no app role may read them at all.
CREATE TABLE public.user_oauth_tokens (
    user_id          uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    provider         text NOT NULL CHECK (provider IN ('google')),
    tokens_encrypted text NOT NULL,
    tokens_iv        text NOT NULL,
    scopes           text[] NOT NULL DEFAULT '{}',
    updated_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, provider)
);

CREATE TABLE public.jobs (
    id            bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    fingerprint   text NOT NULL UNIQUE,
    title         text NOT NULL,
    company       text NOT NULL,
    location      text,
    work_mode     text NOT NULL DEFAULT 'unknown' CHECK (work_mode IN ('remote', 'hybrid', 'onsite', 'unknown')),
    apply_url     text NOT NULL,
    platform      text NOT NULL CHECK (platform IN ('linkedin', 'indeed', 'greenhouse', 'lever', 'other')),
    description   text NOT NULL DEFAULT '',
    posted_at     timestamptz,
    first_seen_at timestamptz NOT NULL DEFAULT now(),
    last_seen_at  timestamptz NOT NULL DEFAULT now(),
    is_active     boolean NOT NULL DEFAULT true,
    updated_at    timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX jobs_active_seen_idx ON public.jobs (last_seen_at DESC) WHERE is_active;

CREATE TABLE public.job_fit_scores (
    user_id        uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    job_id         bigint NOT NULL REFERENCES public.jobs (id) ON DELETE CASCADE,
    score          integer NOT NULL CHECK (score BETWEEN 0 AND 100),
    label          text NOT NULL CHECK (label IN ('strong', 'good', 'fair', 'weak')),
    recommendation text NOT NULL CHECK (recommendation IN ('apply', 'consider', 'skip')),
    reasons        text[] NOT NULL DEFAULT '{}',
    missing_skills text[] NOT NULL DEFAULT '{}',
    model          text,
    scored_at      timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (user_id, job_id)
);
CREATE INDEX job_fit_scores_job_idx ON public.job_fit_scores (job_id);

CREATE TABLE public.job_applications (
    id                   uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id              uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    job_id               bigint REFERENCES public.jobs (id) ON DELETE SET NULL,
    method               text NOT NULL DEFAULT 'auto' CHECK (method IN ('auto', 'manual')),
    -- The pipeline's state, one vocabulary:
    --   queued → tailoring → ready → in_progress → submitting → submitted
    --   awaiting_review (review mode: filled, not sent; the user approves) → ready
    --   deferred_cooldown (risk guard), needs_check (outcome uncertain: never resubmitted blindly),
    --   failed_captcha, failed_session, failed_not_found, failed_closed, already_applied, skipped
    auto_status          text NOT NULL DEFAULT 'queued' CHECK (auto_status IN (
                             'queued', 'tailoring', 'ready', 'in_progress', 'awaiting_review', 'submitting',
                             'submitted', 'needs_check', 'deferred_cooldown', 'failed_captcha',
                             'failed_session', 'failed_not_found', 'failed_closed', 'already_applied',
                             'skipped')),
    -- What the user tracks after submission.
    status               text CHECK (status IN ('applied', 'viewed', 'callback', 'interview', 'offer',
                                                'rejected', 'withdrawn', 'ghosted')),
    review_decision      text CHECK (review_decision IN ('approved', 'rejected')),
    platform             text CHECK (platform IN ('linkedin', 'indeed', 'greenhouse', 'lever', 'other')),
    fit_score_at_apply   integer CHECK (fit_score_at_apply BETWEEN 0 AND 100),
    tailored_resume_path text,
    cover_letter_path    text,
    screenshot_path      text,
    retry_count          integer NOT NULL DEFAULT 0 CHECK (retry_count >= 0),
    failure_note         text,
    submitting_at        timestamptz,
    applied_at           timestamptz,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, job_id)
);
CREATE INDEX job_applications_user_idx ON public.job_applications (user_id, created_at DESC);
CREATE INDEX job_applications_applied_idx ON public.job_applications (user_id, applied_at) WHERE applied_at IS NOT NULL;

-- The server-wide LinkedIn budget. The limit is data: one row of talvix.limits, copied into each
-- day's row when the day's first action reserves, so changing it never rewrites a past day.
CREATE TABLE talvix.limits (
    name  text PRIMARY KEY,
    value integer NOT NULL CHECK (value >= 0),
    note  text
);
INSERT INTO talvix.limits (name, value, note) VALUES
    ('linkedin_daily_actions', 1500, 'server-wide LinkedIn actions per UTC day (the kill switch)');

CREATE TABLE public.system_daily_limits (
    day              date PRIMARY KEY,                 -- a UTC day
    linkedin_actions integer NOT NULL DEFAULT 0 CHECK (linkedin_actions >= 0),
    linkedin_limit   integer NOT NULL CHECK (linkedin_limit >= 0),
    updated_at       timestamptz NOT NULL DEFAULT now()
);

CREATE FUNCTION talvix.utc_today() RETURNS date
LANGUAGE sql STABLE AS $$ SELECT (now() AT TIME ZONE 'UTC')::date $$;

-- Reserve one LinkedIn action for `day` (default: today, UTC): true means go, false means the day's
-- budget is spent. One conditional UPDATE, so concurrent callers can never overshoot. Fails closed:
-- without a configured limit there is no row, and no row means no.
CREATE FUNCTION talvix.reserve_linkedin_action(day date DEFAULT talvix.utc_today())
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
DECLARE
    granted boolean;
BEGIN
    INSERT INTO public.system_daily_limits AS d (day, linkedin_limit)
    SELECT reserve_linkedin_action.day, l.value FROM talvix.limits l WHERE l.name = 'linkedin_daily_actions'
    ON CONFLICT ON CONSTRAINT system_daily_limits_pkey DO NOTHING;
    UPDATE public.system_daily_limits d
       SET linkedin_actions = d.linkedin_actions + 1, updated_at = now()
     WHERE d.day = reserve_linkedin_action.day AND d.linkedin_actions < d.linkedin_limit
    RETURNING true INTO granted;
    RETURN coalesce(granted, false);
END;
$$;

-- Give back a reservation whose action did not happen, so each executed action counts once.
-- Pass the same day the reservation used (a run can cross midnight).
CREATE FUNCTION talvix.release_linkedin_action(day date)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
BEGIN
    UPDATE public.system_daily_limits d
       SET linkedin_actions = d.linkedin_actions - 1, updated_at = now()
     WHERE d.day = release_linkedin_action.day AND d.linkedin_actions > 0;
    RETURN FOUND;
END;
$$;

-- The seed's RPC, kept for callers that still count after acting: always counts (the limit is
-- enforced by reserve_linkedin_action, not here). action_date is 'YYYY-MM-DD', a UTC day.
CREATE FUNCTION public.increment_linkedin_daily_count(action_date text)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
BEGIN
    INSERT INTO public.system_daily_limits AS d (day, linkedin_actions, linkedin_limit)
    SELECT action_date::date, 1, l.value FROM talvix.limits l WHERE l.name = 'linkedin_daily_actions'
    ON CONFLICT ON CONSTRAINT system_daily_limits_pkey
    DO UPDATE SET linkedin_actions = d.linkedin_actions + 1, updated_at = now();
END;
$$;

-- Today's budget as operators read it.
CREATE VIEW talvix.linkedin_budget_today AS
SELECT talvix.utc_today() AS day,
       coalesce(d.linkedin_actions, 0) AS used,
       coalesce(d.linkedin_limit, l.value) AS day_limit,
       coalesce(d.linkedin_actions, 0) >= coalesce(d.linkedin_limit, l.value, 0) AS kill_switch_on
  FROM talvix.limits l
  LEFT JOIN public.system_daily_limits d ON d.day = talvix.utc_today()
 WHERE l.name = 'linkedin_daily_actions';

-- The public gateway's only door: store (encrypt-then-upsert) a captured session for one user.
-- It never returns the secret columns.
CREATE FUNCTION talvix.store_connection(
    p_user_id uuid, p_platform text, p_session_encrypted text, p_session_iv text, p_session_version smallint,
    p_user_agent text, p_viewport text, p_estimated_expires_at timestamptz
) RETURNS TABLE (id uuid, platform text, is_valid boolean, estimated_expires_at timestamptz, captured_at timestamptz)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, public AS $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM public.users u WHERE u.id = p_user_id) THEN
        RAISE EXCEPTION 'no Talvix user % (sign up first)', p_user_id USING ERRCODE = 'foreign_key_violation';
    END IF;
    RETURN QUERY
    INSERT INTO public.user_connections AS c
           (user_id, platform, session_encrypted, session_iv, session_version, user_agent, viewport,
            estimated_expires_at, is_valid, consecutive_failures, captured_at,
            warning_7d_sent, warning_3d_sent, warning_1d_sent)
    VALUES (p_user_id, p_platform, p_session_encrypted, p_session_iv, p_session_version, p_user_agent, p_viewport,
            p_estimated_expires_at, true, 0, now(), false, false, false)
    ON CONFLICT ON CONSTRAINT user_connections_user_id_platform_key DO UPDATE
       SET session_encrypted = EXCLUDED.session_encrypted, session_iv = EXCLUDED.session_iv,
           session_version = EXCLUDED.session_version, user_agent = EXCLUDED.user_agent,
           viewport = EXCLUDED.viewport, estimated_expires_at = EXCLUDED.estimated_expires_at,
           is_valid = true, consecutive_failures = 0, captured_at = now(),
           warning_7d_sent = false, warning_3d_sent = false, warning_1d_sent = false
    RETURNING c.id, c.platform, c.is_valid, c.estimated_expires_at, c.captured_at;
END;
$$;

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'resumes', 'user_connections', 'user_oauth_tokens', 'jobs',
                             'job_applications', 'system_daily_limits'] LOOP
        EXECUTE format('CREATE TRIGGER %I BEFORE UPDATE ON public.%I FOR EACH ROW EXECUTE FUNCTION talvix.touch_updated_at()',
                       t || '_updated_at', t);
    END LOOP;
END;
$$;
