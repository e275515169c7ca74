-- Supabase's roles and auth.uid(), created only where they are missing, so the same migrations run
-- on Supabase and on plain Postgres (tests, local development).
--   anon           not signed in: may do nothing with Talvix data
--   authenticated  a signed-in user: RLS limits every table to their own rows
--   service_role   the worker's privileged role (bypasses RLS), never held by the public gateway
--   talvix_gateway the public session-capture gateway: may only call talvix.store_connection()

DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'anon') THEN
        CREATE ROLE anon NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'authenticated') THEN
        CREATE ROLE authenticated NOLOGIN;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'service_role') THEN
        CREATE ROLE service_role NOLOGIN BYPASSRLS;
    END IF;
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'talvix_gateway') THEN
        -- NOLOGIN here; an admin gives it a password (ALTER ROLE talvix_gateway LOGIN PASSWORD …)
        -- and the gateway connects with GATEWAY_DATABASE_URL.
        CREATE ROLE talvix_gateway NOLOGIN;
    END IF;
END;
$$;

CREATE SCHEMA IF NOT EXISTS auth;

DO $$
BEGIN
    -- Supabase's own definition: the JWT subject PostgREST puts in the request settings.
    IF to_regprocedure('auth.uid()') IS NULL THEN
        CREATE FUNCTION auth.uid() RETURNS uuid
        LANGUAGE sql STABLE AS $fn$
            SELECT coalesce(
                nullif(current_setting('request.jwt.claim.sub', true), ''),
                (nullif(current_setting('request.jwt.claims', true), '')::jsonb ->> 'sub')
            )::uuid
        $fn$;
    END IF;
END;
$$;

GRANT USAGE ON SCHEMA auth TO anon, authenticated, service_role;
GRANT EXECUTE ON FUNCTION auth.uid() TO anon, authenticated, service_role;

-- The engine's schema is for the worker alone.
REVOKE ALL ON SCHEMA talvix FROM PUBLIC;
REVOKE ALL ON ALL TABLES IN SCHEMA talvix FROM PUBLIC, anon, authenticated;
REVOKE ALL ON FUNCTION talvix.watch(regclass, text, text[], text, interval, text[], boolean) FROM PUBLIC;
REVOKE ALL ON FUNCTION talvix.unwatch(regclass, text, text[]) FROM PUBLIC;
REVOKE ALL ON FUNCTION talvix.delete_expired(integer) FROM PUBLIC;
GRANT USAGE ON SCHEMA talvix TO service_role, talvix_gateway;
GRANT ALL ON ALL TABLES IN SCHEMA talvix TO service_role;
GRANT ALL ON ALL SEQUENCES IN SCHEMA talvix TO service_role;

-- agent_logs is the operators' surface, not the app's.
ALTER TABLE public.agent_logs ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.agent_logs FROM PUBLIC, anon, authenticated;
GRANT ALL ON public.agent_logs TO service_role;
