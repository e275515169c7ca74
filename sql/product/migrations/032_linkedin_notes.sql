-- Sending the LinkedIn follow-up notes (handlers/agents/linkedin_notes.py), for users who switched it on
-- (profile.follow_up_send_linkedin): the note drafted by follow_up goes to the recruiter's profile,
-- as a message when they are already connected, else as a connection invitation with the note.
--
--   follow_up (daily) ──► linkedin_notes {"user_id"} ──► profile view ──► invitation or message
--
-- Every LinkedIn action of a user is reserved before it happens, against two limits at once:
--   - the user's own daily caps, kept as data (talvix.limits): 40 profile views, 15 connection
--     invitations, 30 messages a UTC day, the earlier system's design figures;
--   - the fleet's LinkedIn budget (the 1,500/day kill switch), one unit per action, reserved through
--     talvix.reserve_linkedin_unit exactly as auto-apply's submit click is.
-- An action that did not happen gives both back, once (talvix.release_linkedin_member_action); one
-- that may have happened keeps them. The note itself is claimed ('draft' → 'sending') in the same
-- statement that reserves its action, so it is sent at most once whatever runs at the same time.

-- Where the recruiter is on LinkedIn: the app (or the user) fills it, as recruiter_email. Only a
-- member profile's address: letters, digits, '-' and '_' (non-Latin names come percent-encoded), so
-- no '.', '\' or encoded '.', '/', '\' can turn it into another page of the user's LinkedIn.
ALTER TABLE public.job_applications
    ADD COLUMN recruiter_linkedin_url text
        CHECK (recruiter_linkedin_url ~ '^https://([a-z]{2,3}\.)?linkedin\.com/in/([A-Za-z0-9_-]|%[0-9A-Fa-f]{2}){3,100}/?$'
               AND recruiter_linkedin_url !~* '%(2e|2f|5c)');
GRANT UPDATE (recruiter_linkedin_url) ON public.job_applications TO authenticated;

INSERT INTO talvix.limits (name, value, note) VALUES
    ('linkedin_user_profile_views_per_day', 40, 'LinkedIn profile views one user''s account makes per UTC day'),
    ('linkedin_user_connections_per_day', 15, 'LinkedIn connection invitations one user''s account sends per UTC day'),
    ('linkedin_user_messages_per_day', 30, 'LinkedIn messages one user''s account sends per UTC day');

-- One row per LinkedIn action of a user's account, reserved before it happens. A released row
-- (released_at set) is an action that did not happen; every other row counts against the day.
CREATE TABLE talvix.linkedin_member_actions (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    user_id      uuid NOT NULL REFERENCES public.users (id) ON DELETE CASCADE,
    kind         text NOT NULL CHECK (kind IN ('profile_view', 'connection', 'message')),
    day          date NOT NULL,                      -- the UTC day whose caps (and fleet budget) it counts in
    fleet_unit   bigint NOT NULL REFERENCES talvix.linkedin_reservations (id),
    follow_up_id uuid REFERENCES public.follow_ups (id) ON DELETE SET NULL,
    reserved_at  timestamptz NOT NULL DEFAULT now(),
    released_at  timestamptz
);
CREATE INDEX linkedin_member_actions_day_idx ON talvix.linkedin_member_actions (user_id, day, kind)
    WHERE released_at IS NULL;
REVOKE ALL ON talvix.linkedin_member_actions FROM PUBLIC, anon, authenticated;
GRANT ALL ON talvix.linkedin_member_actions TO service_role;

-- The note's action, and how it went out ('invitation' or 'message', in provider_id as for email).
-- The referenced table is created just above and empty, so validating the key scans nothing.
-- squawk-ignore adding-foreign-key-constraint
ALTER TABLE public.follow_ups ADD COLUMN linkedin_action bigint REFERENCES talvix.linkedin_member_actions (id);

-- Reserve one LinkedIn action of `p_user`'s account for today (UTC): NULL action and the reason when
-- the note is no longer a draft or no longer to be sent, or (limit_reached) when the user's cap for
-- that kind or the fleet's budget is spent.
-- With a note, the note is claimed ('sending') in the same transaction: the action and the claim
-- happen together or not at all.
CREATE FUNCTION talvix.reserve_linkedin_member_action(p_user uuid, p_kind text, p_follow_up uuid DEFAULT NULL)
RETURNS TABLE (action_id bigint, refused text, limit_reached boolean)
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
DECLARE
    today date := talvix.utc_today();
    cap integer;
    used integer;
    unit bigint;
BEGIN
    -- One user's count-then-reserve is serialised, so two workers never both take the last slot.
    PERFORM pg_advisory_xact_lock(hashtextextended('talvix.linkedin_member:' || p_user, 0));
    IF p_follow_up IS NOT NULL THEN
        PERFORM 1 FROM public.follow_ups f
         WHERE f.id = p_follow_up AND f.user_id = p_user AND f.channel = 'linkedin' AND f.status = 'draft'
           FOR UPDATE OF f;
        IF NOT FOUND THEN
            RETURN QUERY SELECT NULL::bigint, 'the note is no longer a draft (another run took it, or it went)'::text, false;
            RETURN;
        END IF;
        -- Still to be sent now, not only when the run picked it (linkedin_notes_to_send.sql): no
        -- reply, not stopped, sending still on, the plan still paid.
        PERFORM 1 FROM public.follow_ups f
          JOIN public.job_applications a ON a.id = f.application_id
          JOIN public.users u ON u.id = f.user_id
         WHERE f.id = p_follow_up
           AND a.recruiter_linkedin_url IS NOT NULL
           AND a.follow_ups_stopped IS NULL
           AND (a.status IS NULL OR a.status IN ('applied', 'viewed'))
           AND u.profile -> 'follow_up_send_linkedin' = 'true'::jsonb
           AND talvix.on_paid_plan(u.tier, u.subscription_expires_at);
        IF NOT FOUND THEN
            RETURN QUERY SELECT NULL::bigint,
                'the note is no longer to be sent (a reply came, follow-ups were stopped, sending was switched off or the plan ended)'::text,
                false;
            RETURN;
        END IF;
    END IF;
    SELECT l.value INTO cap FROM talvix.limits l WHERE l.name = 'linkedin_user_' || p_kind || 's_per_day';
    IF cap IS NULL THEN
        RAISE EXCEPTION 'no talvix.limits row linkedin_user_%s_per_day: unknown LinkedIn action kind', p_kind;
    END IF;
    SELECT count(*) INTO used FROM talvix.linkedin_member_actions a
     WHERE a.user_id = p_user AND a.day = today AND a.kind = p_kind AND a.released_at IS NULL;
    IF used >= cap THEN
        RETURN QUERY SELECT NULL::bigint, format('the account''s LinkedIn %s cap for %s (%s) is reached', replace(p_kind, '_', ' '), today, cap), true;
        RETURN;
    END IF;
    unit := talvix.reserve_linkedin_unit(today);
    IF unit IS NULL THEN
        RETURN QUERY SELECT NULL::bigint, format('the fleet''s LinkedIn budget for %s is spent (the kill switch)', today), true;
        RETURN;
    END IF;
    INSERT INTO talvix.linkedin_member_actions (user_id, kind, day, fleet_unit, follow_up_id)
    VALUES (p_user, p_kind, today, unit, p_follow_up)
    RETURNING id INTO action_id;
    IF p_follow_up IS NOT NULL THEN
        UPDATE public.follow_ups SET status = 'sending', linkedin_action = action_id WHERE id = p_follow_up;
    END IF;
    RETURN QUERY SELECT action_id, NULL::text, false;
END;
$$;

-- Give back an action that did not happen: its cap slot and its fleet unit; true once, false after.
CREATE FUNCTION talvix.release_linkedin_member_action(p_action bigint)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
DECLARE
    unit bigint;
BEGIN
    UPDATE talvix.linkedin_member_actions a SET released_at = now()
     WHERE a.id = p_action AND a.released_at IS NULL
    RETURNING a.fleet_unit INTO unit;
    IF unit IS NULL THEN
        RETURN false;
    END IF;
    PERFORM talvix.release_linkedin_unit(unit);
    RETURN true;
END;
$$;

REVOKE ALL ON FUNCTION talvix.reserve_linkedin_member_action(uuid, text, uuid), talvix.release_linkedin_member_action(bigint)
    FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.reserve_linkedin_member_action(uuid, text, uuid), talvix.release_linkedin_member_action(bigint)
    TO service_role;

-- What each account used today, for operators (the dashboard and SQL).
CREATE VIEW talvix.linkedin_member_usage_today AS
SELECT a.user_id,
       count(*) FILTER (WHERE a.kind = 'profile_view') AS profile_views,
       count(*) FILTER (WHERE a.kind = 'connection') AS connections,
       count(*) FILTER (WHERE a.kind = 'message') AS messages
  FROM talvix.linkedin_member_actions a
 WHERE a.day = talvix.utc_today() AND a.released_at IS NULL
 GROUP BY a.user_id;
REVOKE ALL ON talvix.linkedin_member_usage_today FROM PUBLIC, anon, authenticated;
GRANT SELECT ON talvix.linkedin_member_usage_today TO service_role;
