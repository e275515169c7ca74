-- Where jobs come from (handlers/agents/job_discovery.py). A discovery run is a row: inserting one
-- into public.scrape_runs (by hand, from the app, or by the nightly schedule) wakes job_discovery,
-- which fetches every configured source for the active search targets, writes public.jobs by
-- fingerprint, and records per-source counts and failures back on the row.
--
--   job_discovery_schedule (nightly, UTC, the minute is data) ──► scrape_runs INSERT
--   scrape_runs INSERT ──► job_discovery ──► jobs INSERT/refresh (new ones wake fit_scorer, as before)

CREATE TABLE public.scrape_runs (
    id                bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    requested_by      text NOT NULL DEFAULT 'sql' CHECK (char_length(requested_by) BETWEEN 1 AND 60),
    sources           text[],               -- NULL: every configured source
    status            text NOT NULL DEFAULT 'pending'
                      CHECK (status IN ('pending', 'running', 'completed', 'partial', 'failed')),
    total_scraped     integer NOT NULL DEFAULT 0,
    total_new         integer NOT NULL DEFAULT 0,
    total_refreshed   integer NOT NULL DEFAULT 0,
    total_malformed   integer NOT NULL DEFAULT 0,
    source_counts     jsonb NOT NULL DEFAULT '{}',   -- source → jobs it returned
    source_failures   jsonb NOT NULL DEFAULT '{}',   -- source → why it failed (the run goes on)
    jobs_marked_stale integer,
    jobs_deleted      integer,
    has_new_jobs      boolean GENERATED ALWAYS AS (total_new > 0) STORED,
    created_at        timestamptz NOT NULL DEFAULT now(),
    started_at        timestamptz,
    completed_at      timestamptz
);

-- What to search for when no user has said (and always, beside the users' own target roles).
CREATE TABLE public.baseline_scrape_targets (
    id              bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    role_name       text NOT NULL CHECK (char_length(role_name) BETWEEN 1 AND 120),
    location        text NOT NULL DEFAULT 'India' CHECK (char_length(location) BETWEEN 1 AND 120),
    priority        smallint NOT NULL DEFAULT 5 CHECK (priority BETWEEN 1 AND 10),
    is_active       boolean NOT NULL DEFAULT true,
    last_scraped_at timestamptz,
    UNIQUE (role_name, location)
);
INSERT INTO public.baseline_scrape_targets (role_name, location, priority) VALUES
    ('Software Engineer', 'India', 10), ('Backend Engineer', 'India', 9), ('Full Stack Developer', 'India', 8),
    ('Frontend Developer', 'India', 7), ('Data Scientist', 'India', 7), ('Data Analyst', 'India', 6),
    ('DevOps Engineer', 'India', 6), ('Machine Learning Engineer', 'India', 6), ('QA Engineer', 'India', 5),
    ('Product Manager', 'India', 5);

-- What each job's source said, and what the cleaning and matching steps will fill.
ALTER TABLE public.jobs
    ADD COLUMN source            text,
    ADD COLUMN source_job_id     text,
    ADD COLUMN company_canonical text,
    ADD COLUMN city_canonical    text,
    ADD COLUMN salary_min        numeric,
    ADD COLUMN salary_max        numeric,
    ADD COLUMN salary_currency   text,
    ADD COLUMN jd_path           text,
    ADD COLUMN is_new            boolean NOT NULL DEFAULT true,
    ADD COLUMN jd_cleaned        boolean NOT NULL DEFAULT false;
-- The retention pass reads jobs by when they were last seen, active or not. The table holds at
-- most 30 days of postings (dead ones are deleted), so building this inside the migration's
-- transaction is quick.
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX jobs_last_seen_idx ON public.jobs (last_seen_at);

-- Days are data, like every other limit.
INSERT INTO talvix.limits (name, value, note) VALUES
    ('job_discovery_utc_minute', 870, 'minute of the UTC day the nightly discovery run starts (870 = 14:30)'),
    ('jobs_stale_after_days', 14, 'a job unseen this many days is no longer active'),
    ('jobs_deleted_after_days', 30, 'a job unseen this many days is deleted'),
    ('job_discovery_max_per_source', 500, 'jobs one source may return per target in one run');

-- Only the worker (service_role) reads or writes these; the app reads discovered jobs from public.jobs.
ALTER TABLE public.scrape_runs ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.baseline_scrape_targets ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.scrape_runs, public.baseline_scrape_targets FROM PUBLIC, anon, authenticated;
GRANT ALL ON public.scrape_runs, public.baseline_scrape_targets TO service_role;
DO $$
DECLARE
    s regclass;
BEGIN
    FOR s IN SELECT pg_get_serial_sequence(t, 'id')::regclass
               FROM unnest(ARRAY['public.scrape_runs', 'public.baseline_scrape_targets']) t LOOP
        EXECUTE format('REVOKE ALL ON SEQUENCE %s FROM PUBLIC, anon, authenticated', s);
        EXECUTE format('GRANT ALL ON SEQUENCE %s TO service_role', s);
    END LOOP;
END;
$$;

SELECT talvix.watch('public.scrape_runs', 'job_discovery', '{INSERT}');

-- Queue the first nightly run; each run of the schedule queues the next.
INSERT INTO talvix.events (agent, payload, dedup_key, source, run_after)
VALUES ('job_discovery_schedule', '{}', 'job_discovery_schedule', 'migration 023',
        date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '870 minutes'
        + CASE WHEN now() >= date_trunc('day', now() AT TIME ZONE 'UTC') AT TIME ZONE 'UTC' + interval '870 minutes'
               THEN interval '1 day' ELSE interval '0' END)
ON CONFLICT (agent, dedup_key) WHERE dedup_key IS NOT NULL AND status IN ('pending', 'running') DO NOTHING;
