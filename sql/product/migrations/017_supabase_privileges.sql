-- On Supabase, every table, function and sequence created in schema public is granted to anon and
-- authenticated by the platform's default privileges (ALTER DEFAULT PRIVILEGES … GRANT ALL), so a
-- REVOKE … FROM PUBLIC does not close them: PostgREST then serves each function to the public
-- anon key at /rest/v1/rpc/<name>, and a sequence's setval to anyone. Here every object Talvix
-- owns in public keeps exactly the grants the earlier migrations give on purpose, with or without
-- those defaults. New objects in public must do the same: tests/integration/test_privileges.py
-- checks every one against an allow-list, with Supabase's defaults applied before migrating.

-- Functions: the seed's RPC is the worker's (service_role) only.
REVOKE ALL ON FUNCTION public.increment_linkedin_daily_count(text) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION public.increment_linkedin_daily_count(text) TO service_role;

-- Sequences (identity columns): nobody but the worker may read or move them.
DO $$
DECLARE
    s regclass;
BEGIN
    FOR s IN SELECT c.oid::regclass FROM pg_class c
              WHERE c.relkind = 'S' AND c.relnamespace = 'public'::regnamespace
                AND c.oid IN (SELECT objid FROM pg_depend d JOIN pg_class t ON t.oid = d.refobjid
                               WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass
                                 AND t.relname IN ('users', 'resumes', 'user_target_roles', 'user_company_prefs',
                                                   'user_connections', 'user_oauth_tokens', 'jobs', 'job_fit_scores',
                                                   'job_applications', 'system_daily_limits', 'notifications', 'agent_logs'))
    LOOP
        EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM PUBLIC, anon, authenticated', s);
        EXECUTE format('GRANT ALL ON SEQUENCE %s TO service_role', s);
    END LOOP;
END;
$$;

-- Tables: what the defaults add beyond the deliberate grants. TRUNCATE ignores RLS, REFERENCES and
-- TRIGGER have no place in an app role's hands, and anon gets nothing at all.
DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'resumes', 'user_target_roles', 'user_company_prefs', 'user_connections',
                             'user_oauth_tokens', 'jobs', 'job_fit_scores', 'job_applications', 'system_daily_limits',
                             'notifications', 'agent_logs'] LOOP
        EXECUTE format('REVOKE ALL ON public.%I FROM anon', t);
        EXECUTE format('REVOKE TRUNCATE, REFERENCES, TRIGGER ON public.%I FROM PUBLIC, authenticated', t);
    END LOOP;
END;
$$;
