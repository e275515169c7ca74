-- Auto-apply that survives kills, shutdowns and retries (handlers/auto_apply.py).
--
-- What an application holds is recorded on its row, so whichever run comes next (a retry, the
-- re-run after a SIGKILL, the run after a graceful shutdown) knows it:
--   cap_reserved_on      the UTC day of the user's daily/monthly cap slot this application holds
--                        (NULL: none). Reserving is idempotent per application, so a re-run never
--                        takes a second slot, and releasing gives back exactly the one it holds.
--   linkedin_reservation the fleet's LinkedIn budget unit held for the submit click (a row of
--                        talvix.linkedin_reservations). It is reserved in the same statement that
--                        records 'submitting', so a unit is held exactly when a click may have
--                        happened.
--
-- A budget unit is given back only by naming its reservation, once: a release with nothing reserved
-- gives nothing (it used to hand out a free grant per call).
--   document_files       the tailored documents as uploadable files: {"resume": {"pdf": path,
--                        "docx": path}, "cover_letter": {...}} under the storage root; the
--                        Markdown resume (tailored_resume_path) stays the source.
--
-- 'in_progress' with no live run is resumable: the run that set it died or was cancelled before
-- it recorded 'submitting'. Liveness is a session advisory lock on the application, which
-- Postgres drops when the run's connection goes, whatever killed it. 'failed_error' is a run that
-- kept failing for reasons other than a named outcome (browser crash, lost connection) until its
-- attempts ran out.

CREATE TABLE talvix.linkedin_reservations (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    day         date NOT NULL,                       -- the UTC day whose budget the unit came from
    reserved_at timestamptz NOT NULL DEFAULT now(),
    released_at timestamptz
);
REVOKE ALL ON talvix.linkedin_reservations FROM PUBLIC, anon, authenticated;
GRANT ALL ON talvix.linkedin_reservations TO service_role;

-- One unit of `day`'s LinkedIn budget: its reservation id, or NULL when the day's budget is spent.
CREATE FUNCTION talvix.reserve_linkedin_unit(day date DEFAULT talvix.utc_today())
RETURNS bigint
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
DECLARE
    reservation bigint;
BEGIN
    IF NOT talvix.reserve_linkedin_action(day) THEN
        RETURN NULL;
    END IF;
    INSERT INTO talvix.linkedin_reservations (day) VALUES (day) RETURNING id INTO reservation;
    RETURN reservation;
END;
$$;

-- Give back the unit of one reservation whose action did not happen; true once, false after.
CREATE FUNCTION talvix.release_linkedin_unit(reservation bigint)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
DECLARE
    unit_day date;
BEGIN
    UPDATE talvix.linkedin_reservations r SET released_at = now()
     WHERE r.id = reservation AND r.released_at IS NULL
    RETURNING r.day INTO unit_day;
    IF unit_day IS NULL THEN
        RETURN false;
    END IF;
    UPDATE public.system_daily_limits d
       SET linkedin_actions = d.linkedin_actions - 1, updated_at = now()
     WHERE d.day = unit_day AND d.linkedin_actions > 0;
    RETURN true;
END;
$$;

-- The day-based release handed a unit back with nothing reserved: gone.
DROP FUNCTION talvix.release_linkedin_action(date);

ALTER TABLE public.job_applications
    ADD COLUMN cap_reserved_on date,
    ADD COLUMN linkedin_reservation bigint REFERENCES talvix.linkedin_reservations (id),
    ADD COLUMN document_files jsonb NOT NULL DEFAULT '{}';

-- When review mode ends for a user: NULL means review_mode_days after auto_apply_activated_at. An
-- operator ends it early (or extends it) by setting it; users cannot (no column grant).
ALTER TABLE public.users ADD COLUMN review_mode_ends_at timestamptz;

ALTER TABLE public.job_applications DROP CONSTRAINT job_applications_auto_status_check;
ALTER TABLE public.job_applications ADD CONSTRAINT job_applications_auto_status_check CHECK (auto_status IN (
    'queued', 'tailoring', 'ready', 'in_progress', 'awaiting_review', 'submitting', 'submitted', 'needs_check',
    'deferred_cooldown', 'failed_captcha', 'failed_session', 'failed_not_found', 'failed_closed', 'failed_error',
    'already_applied', 'skipped'));

-- Start (or resume) one application: hold a cap slot for it when it is to be sent, and mark it
-- 'in_progress'. Returns NULL when it may go on, else why not (the caps are reached). A slot the
-- application already holds is kept, never taken twice.
CREATE FUNCTION talvix.start_application(p_application uuid, p_submit boolean)
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

-- Give back what an application holds when it was not sent: its cap slot (on the day and month it
-- was counted in) and its LinkedIn unit. Both are cleared, so a second release gives nothing back.
CREATE FUNCTION talvix.release_application(p_application uuid)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
DECLARE
    app record;
BEGIN
    SELECT * INTO app FROM public.job_applications WHERE id = p_application FOR UPDATE;
    IF NOT FOUND THEN
        RETURN;
    END IF;
    IF app.cap_reserved_on IS NOT NULL THEN
        UPDATE public.users
           SET daily_apply_count = CASE WHEN apply_counts_day = app.cap_reserved_on
                                        THEN greatest(daily_apply_count - 1, 0) ELSE daily_apply_count END,
               monthly_apply_count = CASE WHEN apply_counts_month = date_trunc('month', app.cap_reserved_on)::date
                                          THEN greatest(monthly_apply_count - 1, 0) ELSE monthly_apply_count END
         WHERE id = app.user_id;
    END IF;
    IF app.linkedin_reservation IS NOT NULL THEN
        PERFORM talvix.release_linkedin_unit(app.linkedin_reservation);
    END IF;
    UPDATE public.job_applications SET cap_reserved_on = NULL, linkedin_reservation = NULL WHERE id = p_application;
END;
$$;

-- Record 'submitting' just before the one submit click, reserving the LinkedIn unit in the same
-- statement when the click is a LinkedIn action. Returns NULL to go on, else why not: the day's
-- LinkedIn budget is spent, or the application is no longer 'in_progress' (another run has it).
CREATE FUNCTION talvix.mark_submitting(p_application uuid, p_linkedin boolean)
RETURNS text
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
DECLARE
    today date := talvix.utc_today();
    app record;
    reservation bigint;
BEGIN
    SELECT * INTO app FROM public.job_applications WHERE id = p_application FOR UPDATE;
    IF NOT FOUND OR app.auto_status <> 'in_progress' THEN
        RETURN format('application is %s, not in_progress', coalesce(app.auto_status, 'gone'));
    END IF;
    IF p_linkedin AND app.linkedin_reservation IS NULL THEN
        reservation := talvix.reserve_linkedin_unit(today);
        IF reservation IS NULL THEN
            RETURN format('LinkedIn budget for %s is spent', today);
        END IF;
        UPDATE public.job_applications SET linkedin_reservation = reservation WHERE id = p_application;
    END IF;
    UPDATE public.job_applications SET auto_status = 'submitting', submitting_at = now(), updated_at = now()
     WHERE id = p_application;
    RETURN NULL;
END;
$$;

REVOKE ALL ON FUNCTION talvix.start_application(uuid, boolean), talvix.release_application(uuid),
    talvix.mark_submitting(uuid, boolean), talvix.reserve_linkedin_unit(date), talvix.release_linkedin_unit(bigint)
    FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.start_application(uuid, boolean), talvix.release_application(uuid),
    talvix.mark_submitting(uuid, boolean), talvix.reserve_linkedin_unit(date), talvix.release_linkedin_unit(bigint)
    TO service_role;
