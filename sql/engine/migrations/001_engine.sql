-- The engine: the events table (the durable record of work), agent_logs (one row per run, the
-- monitoring surface the seed specifies), the agent registry and the worker registry.
-- Everything the engine owns lives in schema "talvix"; agent_logs stays in "public" where the
-- seed and the app expect it.

CREATE SCHEMA IF NOT EXISTS talvix;

-- Agents known to any worker that ever started against this database. Workers upsert their whole
-- handler registry at start-up, so an event naming an agent absent from this table has no handler
-- anywhere and can be failed at once instead of waiting forever.
CREATE TABLE talvix.agents (
    name            text PRIMARY KEY CHECK (name ~ '^[a-z][a-z0-9_]{0,62}$'),
    concurrency     integer NOT NULL CHECK (concurrency > 0),
    timeout_seconds double precision NOT NULL CHECK (timeout_seconds > 0),
    max_attempts    integer NOT NULL CHECK (max_attempts > 0),
    registered_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE talvix.workers (
    id           text PRIMARY KEY,
    hostname     text NOT NULL,
    pid          integer NOT NULL,
    agents       text[] NOT NULL,
    started_at   timestamptz NOT NULL DEFAULT now(),
    last_seen_at timestamptz NOT NULL DEFAULT now(),
    stopped_at   timestamptz
);

CREATE TABLE talvix.events (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    agent        text NOT NULL CHECK (agent <> ''),
    status       text NOT NULL DEFAULT 'pending'
                 CHECK (status IN ('pending', 'running', 'completed', 'failed', 'skipped', 'cancelled')),
    payload      jsonb NOT NULL DEFAULT '{}'::jsonb,
    user_id      uuid,
    dedup_key    text,
    source       text,                  -- 'public.jobs INSERT', 'api', 'enqueue:<agent>'…
    run_after    timestamptz NOT NULL DEFAULT now(),
    attempts     integer NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    max_attempts integer CHECK (max_attempts > 0),   -- copied from the handler at claim time
    worker_id    text,
    lease_until  timestamptz,
    last_error   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    updated_at   timestamptz NOT NULL DEFAULT now(),
    finished_at  timestamptz,
    CHECK ((status = 'running') = (lease_until IS NOT NULL))
);

-- The claim scans only pending rows of one agent in due order: a partial index keeps that cost
-- independent of how many finished events the table holds.
CREATE INDEX events_claim_idx ON talvix.events (agent, run_after, id) WHERE status = 'pending';
-- The reaper looks only at rows whose lease has passed (lease_until is set exactly while running).
-- Not "WHERE status = 'running'": with that predicate the planner would also pick this index for
-- the outcome and renewal updates, and walk every dead entry it collects during a drain.
CREATE INDEX events_lease_idx ON talvix.events (lease_until) WHERE lease_until IS NOT NULL;
-- At most one pending or running event per (agent, dedup_key).
CREATE UNIQUE INDEX events_dedup_idx ON talvix.events (agent, dedup_key)
    WHERE dedup_key IS NOT NULL AND status IN ('pending', 'running');
-- Retention and dashboards read finished events by age.
CREATE INDEX events_finished_idx ON talvix.events (finished_at) WHERE finished_at IS NOT NULL;

CREATE TABLE public.agent_logs (
    id                uuid PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_name        text NOT NULL,
    user_id           uuid,
    status            text NOT NULL CHECK (status IN ('started', 'completed', 'failed', 'skipped')),
    duration_ms       integer CHECK (duration_ms >= 0),
    records_processed integer,
    error_message     text CHECK (char_length(error_message) <= 500),
    metadata          jsonb NOT NULL DEFAULT '{}'::jsonb,
    event_id          bigint,
    created_at        timestamptz NOT NULL DEFAULT now(),
    finished_at       timestamptz,
    expires_at        timestamptz NOT NULL,
    CHECK ((status = 'started') = (finished_at IS NULL))
);

CREATE INDEX agent_logs_created_idx ON public.agent_logs (created_at DESC);
CREATE INDEX agent_logs_agent_created_idx ON public.agent_logs (agent_name, created_at DESC);
CREATE INDEX agent_logs_user_created_idx ON public.agent_logs (user_id, created_at DESC)
    WHERE user_id IS NOT NULL;
CREATE INDEX agent_logs_expires_idx ON public.agent_logs (expires_at);
-- The runs of one event (and the reaper closing a lost run). Deliberately not partial on
-- status = 'started': the planner would then use it for every outcome write and wade through the
-- dead entries a busy drain leaves behind; the primary key is the right path there.
CREATE INDEX agent_logs_event_idx ON public.agent_logs (event_id);

COMMENT ON TABLE public.agent_logs IS
    'One row per agent run (attempt): started, then completed/failed/skipped. '
    'expires_at: +3 days on success or skip, +30 days on failure.';

-- Wake the workers. pg_notify folds identical (channel, payload) pairs within one transaction,
-- so a bulk insert of thousands of events for one agent delivers a single notification whose
-- payload is just the agent name: always far below the 8,000-byte limit.
CREATE FUNCTION talvix.notify_event() RETURNS trigger
LANGUAGE plpgsql AS $$
BEGIN
    PERFORM pg_notify('talvix_events', NEW.agent);
    RETURN NULL;
END;
$$;

CREATE TRIGGER events_notify AFTER INSERT ON talvix.events
    FOR EACH ROW EXECUTE FUNCTION talvix.notify_event();

-- A retried event that becomes due again is found by the worker's timer; a retry made due at once
-- (run_after <= now()) must wake the other workers too.
CREATE TRIGGER events_notify_requeue AFTER UPDATE OF status ON talvix.events
    FOR EACH ROW WHEN (NEW.status = 'pending' AND OLD.status <> 'pending')
    EXECUTE FUNCTION talvix.notify_event();
