-- The earlier system's remaining pg_cron jobs, as agents of this engine whose times are data, and
-- the plans (users.tier) gating what they include.
--
-- Schedules. A row of talvix.schedules says when its agent runs: a UTC minute of the day, and
-- optionally an ISO weekday (weekly) or a day of the month (monthly). Each run queues the next one
-- before doing its work (handlers/skills/schedules.py), under the agent's name as dedup key, so
-- exactly one future run is pending and a run that fails never ends its schedule. Changing a row
-- moves the pending run at once (a trigger); inserting one queues its first run.
--
--   subscription_expiry   daily 00:00 UTC   ended plans drop to free; what free excludes stops
--   apply_counts_reset    daily 00:05 UTC   yesterday's daily counts and last month's monthly counts to 0
--   fit_score_expiry      Saturday 18:30    scores older than fit_scores_keep_days expire; rescans queued
--   retention_cleanup     daily 21:30 UTC   expired notifications, learning signals, old tailored
--                                           documents, screenshots and orphaned files
--
-- The weekly score reset, and why it is not the earlier one. That deleted every job_fit_scores row
-- each Saturday and set fit_scores_stale for everyone, and nothing acted on the flag: every list
-- emptied at once and stayed empty, and a week of fresh scores went with the old. Here only a score
-- older than fit_scores_keep_days (14, as the earlier rows' expires_at) expires: it is deleted, its
-- user is marked stale, and a user the scorer serves (auto-apply on) gets a full rescan queued at
-- once, which scores their best current jobs afresh and clears the flag. Younger scores stay, and
-- an application keeps the score it was sent with (fit_score_at_apply).
--
-- Day boundaries are UTC days, as for every counter and budget here (talvix.utc_today()); only the
-- apply window follows the user's timezone (handlers/apply/schedule.py).
--
-- Plans. 'free' includes no auto-apply and no follow-ups; 'student' and 'professional' include
-- both. A plan that has passed its subscription_expires_at counts as free at once
-- (talvix.on_paid_plan), before subscription_expiry has even run; the run then makes it so on the
-- row, switches auto-apply off with the reason, stops the applications still waiting and tells
-- the user.

CREATE TABLE talvix.schedules (
    agent       text PRIMARY KEY CHECK (agent ~ '^[a-z][a-z0-9_]*$'),
    utc_minute  integer NOT NULL CHECK (utc_minute BETWEEN 0 AND 1439),   -- minutes after 00:00 UTC
    iso_weekday smallint CHECK (iso_weekday BETWEEN 1 AND 7),             -- NULL every day; 1 Monday … 7 Sunday
    month_day   smallint CHECK (month_day BETWEEN 1 AND 28),              -- NULL every day; ≤ 28: every month has it
    note        text NOT NULL,
    CHECK (iso_weekday IS NULL OR month_day IS NULL)
);
REVOKE ALL ON talvix.schedules FROM PUBLIC, anon, authenticated;
GRANT ALL ON talvix.schedules TO service_role;

-- When `agent` next runs strictly after `after`: the first day (of the next 32) that matches its
-- row, at its UTC minute. NULL when it has no row.
CREATE FUNCTION talvix.next_schedule_run(p_agent text, p_after timestamptz DEFAULT now())
RETURNS timestamptz
LANGUAGE sql STABLE SET search_path = pg_catalog, talvix AS $$
    SELECT min(t.at)
      FROM talvix.schedules s
     CROSS JOIN LATERAL generate_series(0, 31) AS n
     CROSS JOIN LATERAL (SELECT (p_after AT TIME ZONE 'UTC')::date + n AS day) d
     CROSS JOIN LATERAL (SELECT (d.day + make_interval(mins => s.utc_minute)) AT TIME ZONE 'UTC' AS at) t
     WHERE s.agent = p_agent
       AND (s.iso_weekday IS NULL OR extract(isodow FROM d.day) = s.iso_weekday)
       AND (s.month_day IS NULL OR extract(day FROM d.day) = s.month_day)
       AND t.at > p_after
$$;

-- Make `agent`'s next run pending at its next time: the pending run moves there, or one is queued
-- (nothing when a run holds the key right now: that run queues the next itself). Returns the time.
CREATE FUNCTION talvix.queue_schedule(p_agent text)
RETURNS timestamptz
LANGUAGE plpgsql SET search_path = pg_catalog, talvix AS $$
DECLARE
    due timestamptz := talvix.next_schedule_run(p_agent);
BEGIN
    IF due IS NULL THEN
        RETURN NULL;
    END IF;
    UPDATE talvix.events SET run_after = due, updated_at = now()
     WHERE agent = p_agent AND dedup_key = p_agent AND status = 'pending';
    IF FOUND THEN
        PERFORM pg_notify('talvix_events', p_agent);  -- a worker waiting for the old time learns the new one
    ELSE
        INSERT INTO talvix.events (agent, payload, dedup_key, source, run_after)
        VALUES (p_agent, '{}', p_agent, 'talvix.schedules', due)
        ON CONFLICT (agent, dedup_key) WHERE dedup_key IS NOT NULL AND status IN ('pending', 'running') DO NOTHING;
    END IF;
    RETURN due;
END;
$$;

CREATE FUNCTION talvix.schedule_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, talvix AS $$
BEGIN
    PERFORM talvix.queue_schedule(NEW.agent);
    RETURN NULL;
END;
$$;
CREATE TRIGGER schedules_queue AFTER INSERT OR UPDATE ON talvix.schedules
    FOR EACH ROW EXECUTE FUNCTION talvix.schedule_changed();

REVOKE ALL ON FUNCTION talvix.next_schedule_run(text, timestamptz), talvix.queue_schedule(text),
    talvix.schedule_changed() FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.next_schedule_run(text, timestamptz), talvix.queue_schedule(text) TO service_role;

-- Retention, as data like every other limit.
INSERT INTO talvix.limits (name, value, note) VALUES
    ('fit_scores_keep_days', 14, 'a fit score older than this expires weekly; its user is rescanned'),
    ('tailored_documents_sent_keep_days', 90, 'documents of a sent application (submitted, needs_check) are kept this long after its last change'),
    ('tailored_documents_unsent_keep_days', 7, 'documents of an application that ended unsent are kept this long after its last change'),
    ('screenshots_keep_days', 7, 'a screenshot is kept this long (those of applications in needs_check until settled)'),
    ('orphan_files_keep_hours', 24, 'files whose application or job no longer exists are deleted once this old');

-- ------------------------------------------------------------------------------------------ plans

ALTER TABLE public.users
    ADD COLUMN subscription_expires_at timestamptz,    -- NULL: a plan with no end (or the free plan)
    ADD COLUMN auto_apply_disabled_reason text;        -- why Talvix switched auto-apply off (cleared when it is switched on)

-- A student or professional plan that has not ended: what auto-apply and follow-ups need.
CREATE FUNCTION talvix.on_paid_plan(p_tier text, p_expires_at timestamptz)
RETURNS boolean
LANGUAGE sql STABLE SET search_path = pg_catalog AS $$
    SELECT p_tier IN ('student', 'professional') AND (p_expires_at IS NULL OR p_expires_at > now())
$$;
REVOKE ALL ON FUNCTION talvix.on_paid_plan(text, timestamptz) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.on_paid_plan(text, timestamptz) TO service_role;

-- Free users who had auto-apply on before plans were enforced: off, with the reason they see.
UPDATE public.users
   SET auto_apply_enabled = false,
       auto_apply_disabled_reason = 'auto-apply is part of the student and professional plans; you are on the free plan'
 WHERE auto_apply_enabled AND tier = 'free';

-- Switching auto-apply on needs a paid plan; so does keeping it on through a change of plan. Users
-- may update their own auto_apply_enabled (006), so this is where a free user is refused, with a
-- message the app can show. Expiry writes tier = 'free' and auto_apply_enabled = false together.
CREATE FUNCTION talvix.auto_apply_needs_paid_plan() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF NEW.auto_apply_enabled
       AND (TG_OP = 'INSERT' OR NOT OLD.auto_apply_enabled OR NEW.tier IS DISTINCT FROM OLD.tier)
       AND NOT (NEW.tier IN ('student', 'professional')
                AND (NEW.subscription_expires_at IS NULL OR NEW.subscription_expires_at > now())) THEN
        RAISE EXCEPTION 'auto-apply needs a student or professional plan; this user is on the % plan%', NEW.tier,
              CASE WHEN NEW.tier <> 'free' THEN ', which ended ' || to_char(NEW.subscription_expires_at AT TIME ZONE 'UTC',
                                                                             'YYYY-MM-DD HH24:MI "UTC"') ELSE '' END
              USING ERRCODE = 'check_violation', HINT = 'Upgrade (or renew) the plan, then switch auto-apply on.';
    END IF;
    IF NEW.auto_apply_enabled THEN
        NEW.auto_apply_disabled_reason := NULL;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER users_auto_apply_needs_paid_plan BEFORE INSERT OR UPDATE OF auto_apply_enabled, tier ON public.users
    FOR EACH ROW EXECUTE FUNCTION talvix.auto_apply_needs_paid_plan();

-- An application queued for a user without a paid plan (the app's insert, or any other) does not
-- enter the pipeline: it is 'skipped' with the reason, so no documents are tailored and nothing is
-- sent. SECURITY DEFINER because it reads the user's plan whoever inserts.
CREATE FUNCTION talvix.queued_application_needs_paid_plan() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
DECLARE
    plan record;
BEGIN
    IF NEW.auto_status = 'queued' THEN
        SELECT u.tier, u.subscription_expires_at INTO plan FROM public.users u WHERE u.id = NEW.user_id;
        IF FOUND AND NOT talvix.on_paid_plan(plan.tier, plan.subscription_expires_at) THEN
            NEW.auto_status := 'skipped';
            NEW.failure_note := CASE WHEN plan.tier = 'free'
                                     THEN 'not sent: auto-apply is part of the student and professional plans, not the free plan'
                                     ELSE format('not sent: the %s plan ended %s', plan.tier,
                                                 to_char(plan.subscription_expires_at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI "UTC"')) END;
        END IF;
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER job_applications_need_paid_plan BEFORE INSERT ON public.job_applications
    FOR EACH ROW EXECUTE FUNCTION talvix.queued_application_needs_paid_plan();
REVOKE ALL ON FUNCTION talvix.auto_apply_needs_paid_plan(), talvix.queued_application_needs_paid_plan()
    FROM PUBLIC, anon, authenticated;

-- The last gate before an application is filled and counted (013's function, plus the plan): the
-- guard checks the plan first, this holds even if a caller skips the guard.
CREATE OR REPLACE FUNCTION talvix.start_application(p_application uuid, p_submit boolean)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
DECLARE
    app record;
    refused text;
BEGIN
    SELECT * INTO app FROM public.job_applications WHERE id = p_application FOR UPDATE;
    IF NOT FOUND THEN
        RETURN 'no such application';
    END IF;
    IF NOT EXISTS (SELECT 1 FROM public.users u
                    WHERE u.id = app.user_id AND talvix.on_paid_plan(u.tier, u.subscription_expires_at)) THEN
        RETURN 'auto-apply is part of the student and professional plans; this user has no such plan now';
    END IF;
    IF p_submit AND app.cap_reserved_on IS NULL THEN
        refused := talvix.reserve_user_apply(app.user_id);
        IF refused IS NOT NULL THEN
            RETURN refused;
        END IF;
        UPDATE public.job_applications SET cap_reserved_on = talvix.utc_today() WHERE id = p_application;
    END IF;
    UPDATE public.job_applications SET auto_status = 'in_progress', updated_at = now() WHERE id = p_application;
    RETURN NULL;
END;
$$;

-- ------------------------------------------------------------------------------ retention columns

-- When retention_cleanup last deleted this application's files (documents, screenshot). The UPDATE
-- that records it leaves updated_at alone: the guard reads updated_at as the time of the last
-- outcome (captchas in 24 h, failed submits in the hour), and a cleanup is not an outcome.
ALTER TABLE public.job_applications ADD COLUMN files_expired_at timestamptz;
DROP TRIGGER job_applications_updated_at ON public.job_applications;
CREATE TRIGGER job_applications_updated_at BEFORE UPDATE ON public.job_applications
    FOR EACH ROW WHEN (OLD.files_expired_at IS NOT DISTINCT FROM NEW.files_expired_at)
    EXECUTE FUNCTION talvix.touch_updated_at();

-- Hook for learning_signals, which migration 029 creates: it replaces this body with the DELETE of
-- its expired rows, returning how many. Until then there is nothing to delete, and
-- retention_cleanup records learning_signals_deleted = null.
CREATE FUNCTION talvix.delete_expired_learning_signals()
RETURNS bigint
LANGUAGE sql SET search_path = pg_catalog, talvix, public AS $$
    SELECT NULL::bigint
$$;
REVOKE ALL ON FUNCTION talvix.delete_expired_learning_signals() FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.delete_expired_learning_signals() TO service_role;

-- ------------------------------------------------------------------------------------- the times

-- The earlier system's times (UTC), where they still make sense: expiry at midnight, the weekly
-- score reset at Sunday 00:00 India time, the cleanup at 03:00 India time. The counts reset just
-- after UTC midnight, because the counters are UTC days. Inserting the rows queues each first run.
INSERT INTO talvix.schedules (agent, utc_minute, iso_weekday, month_day, note) VALUES
    ('subscription_expiry', 0, NULL, NULL, 'daily: ended plans drop to free, auto-apply off, waiting applications stopped, user told'),
    ('apply_counts_reset', 5, NULL, NULL, 'daily: counts of past UTC days (and, on the 1st, of past months) back to 0'),
    ('fit_score_expiry', 1110, 6, NULL, 'weekly: scores older than fit_scores_keep_days expire; their users are marked stale and rescanned'),
    ('retention_cleanup', 1290, NULL, NULL, 'daily: expired notifications and learning signals, old tailored documents and screenshots, orphaned files');
