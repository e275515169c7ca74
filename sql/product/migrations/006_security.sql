-- Who may see and change what. RLS on every table; app roles see only their own rows; secret
-- columns and privileged columns are kept out of reach with column privileges.
--
-- Decision: column privileges, not separate tables, for user_connections (the gateway's row is one
-- row; the user may see its health but never session_encrypted/session_iv) and for users (the user
-- may edit their profile but never tier, caps, counters or pause flags). OAuth tokens, which no
-- user-facing code ever needs, live in their own table with no grant at all.

DO $$
DECLARE
    t text;
BEGIN
    FOREACH t IN ARRAY ARRAY['users', 'resumes', 'user_target_roles', 'user_company_prefs', 'user_connections',
                             'user_oauth_tokens', 'jobs', 'job_fit_scores', 'job_applications',
                             'system_daily_limits'] LOOP
        EXECUTE format('ALTER TABLE public.%I ENABLE ROW LEVEL SECURITY', t);
        EXECUTE format('REVOKE ALL ON public.%I FROM PUBLIC, anon, authenticated', t);
        EXECUTE format('GRANT ALL ON public.%I TO service_role', t);
    END LOOP;
END;
$$;
REVOKE ALL ON talvix.limits, talvix.linkedin_budget_today FROM PUBLIC, anon, authenticated;
GRANT ALL ON talvix.limits, talvix.linkedin_budget_today TO service_role;
GRANT USAGE ON SCHEMA public TO authenticated;

-- users: read your row; create it once (the id must be yours); edit only profile-like columns.
GRANT SELECT ON public.users TO authenticated;
GRANT INSERT (id, email, full_name, phone, timezone, profile) ON public.users TO authenticated;
GRANT UPDATE (full_name, phone, timezone, profile, auto_apply_enabled, fit_score_threshold) ON public.users TO authenticated;
CREATE POLICY users_own_select ON public.users FOR SELECT TO authenticated USING (id = auth.uid());
CREATE POLICY users_own_insert ON public.users FOR INSERT TO authenticated WITH CHECK (id = auth.uid());
CREATE POLICY users_own_update ON public.users FOR UPDATE TO authenticated USING (id = auth.uid()) WITH CHECK (id = auth.uid());

-- resumes: inserting one is how the app asks for parsing.
GRANT SELECT ON public.resumes TO authenticated;
GRANT INSERT (user_id, raw_text, storage_path) ON public.resumes TO authenticated;
CREATE POLICY resumes_own_select ON public.resumes FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY resumes_own_insert ON public.resumes FOR INSERT TO authenticated WITH CHECK (user_id = auth.uid());

-- preferences: the user's own, fully.
GRANT SELECT, INSERT, UPDATE, DELETE ON public.user_target_roles, public.user_company_prefs TO authenticated;
CREATE POLICY target_roles_own ON public.user_target_roles FOR ALL TO authenticated
    USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());
CREATE POLICY company_prefs_own ON public.user_company_prefs FOR ALL TO authenticated
    USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());

-- user_connections: health columns only; disconnecting is deleting. Storing goes through the gateway.
GRANT SELECT (id, user_id, platform, session_version, is_valid, consecutive_failures, estimated_expires_at,
              user_agent, viewport, warning_7d_sent, warning_3d_sent, warning_1d_sent, last_validated_at,
              captured_at, created_at, updated_at) ON public.user_connections TO authenticated;
GRANT DELETE ON public.user_connections TO authenticated;
CREATE POLICY connections_own_select ON public.user_connections FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY connections_own_delete ON public.user_connections FOR DELETE TO authenticated USING (user_id = auth.uid());

-- jobs are shared reference data: any signed-in user may read them.
GRANT SELECT ON public.jobs TO authenticated;
CREATE POLICY jobs_read ON public.jobs FOR SELECT TO authenticated USING (true);

GRANT SELECT ON public.job_fit_scores TO authenticated;
CREATE POLICY fit_scores_own ON public.job_fit_scores FOR SELECT TO authenticated USING (user_id = auth.uid());

-- job_applications: read yours; add one (that queues the pipeline); track its outcome and decide a
-- review. Everything the pipeline writes (auto_status, paths, timestamps) is the worker's.
GRANT SELECT ON public.job_applications TO authenticated;
GRANT INSERT (user_id, job_id, method) ON public.job_applications TO authenticated;
GRANT UPDATE (status, review_decision) ON public.job_applications TO authenticated;
CREATE POLICY applications_own_select ON public.job_applications FOR SELECT TO authenticated USING (user_id = auth.uid());
CREATE POLICY applications_own_insert ON public.job_applications FOR INSERT TO authenticated WITH CHECK (user_id = auth.uid());
CREATE POLICY applications_own_update ON public.job_applications FOR UPDATE TO authenticated
    USING (user_id = auth.uid()) WITH CHECK (user_id = auth.uid());

-- Every SECURITY DEFINER function: search_path set (in its definition), EXECUTE only where needed.
REVOKE ALL ON FUNCTION talvix.capture_event() FROM PUBLIC;
REVOKE ALL ON FUNCTION talvix.reserve_linkedin_action(date), talvix.release_linkedin_action(date),
                       public.increment_linkedin_daily_count(text) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION talvix.reserve_linkedin_action(date), talvix.release_linkedin_action(date),
                          public.increment_linkedin_daily_count(text) TO service_role;
REVOKE ALL ON FUNCTION talvix.store_connection(uuid, text, text, text, smallint, text, text, timestamptz) FROM PUBLIC;
GRANT EXECUTE ON FUNCTION talvix.store_connection(uuid, text, text, text, smallint, text, text, timestamptz)
    TO talvix_gateway, service_role;
