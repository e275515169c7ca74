-- A signed-in user creates their own user row with their own email only: the email in the JWT
-- Supabase issued them (auth.jwt()), so nobody can take another person's address first and block
-- the real owner's sign-up. auth.jwt() is Supabase's own; it is created where it is missing.

DO $$
BEGIN
    IF to_regprocedure('auth.jwt()') IS NULL THEN
        CREATE FUNCTION auth.jwt() RETURNS jsonb
        LANGUAGE sql STABLE AS $fn$
            SELECT coalesce(nullif(current_setting('request.jwt.claim', true), ''),
                            nullif(current_setting('request.jwt.claims', true), ''))::jsonb
        $fn$;
    END IF;
END;
$$;
GRANT EXECUTE ON FUNCTION auth.jwt() TO anon, authenticated, service_role;

DROP POLICY users_own_insert ON public.users;
CREATE POLICY users_own_insert ON public.users FOR INSERT TO authenticated
    WITH CHECK (id = auth.uid() AND lower(email) = lower(auth.jwt() ->> 'email'));
