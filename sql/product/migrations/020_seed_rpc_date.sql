-- The seed's RPC takes the day as a date, as the seed calls it (increment_linkedin_daily_count(
-- action_date)), not as text read in the session's time zone. Callers passing '2026-11-28' through
-- PostgREST keep working: the text becomes a date. It stays the worker's alone (migration 017).

DROP FUNCTION public.increment_linkedin_daily_count(text);

CREATE FUNCTION public.increment_linkedin_daily_count(action_date date)
RETURNS void
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix, public AS $$
BEGIN
    INSERT INTO public.system_daily_limits AS d (day, linkedin_actions, linkedin_limit)
    SELECT action_date, 1, l.value FROM talvix.limits l WHERE l.name = 'linkedin_daily_actions'
    ON CONFLICT ON CONSTRAINT system_daily_limits_pkey
    DO UPDATE SET linkedin_actions = d.linkedin_actions + 1, updated_at = now();
END;
$$;

REVOKE ALL ON FUNCTION public.increment_linkedin_daily_count(date) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.increment_linkedin_daily_count(date) TO service_role;
