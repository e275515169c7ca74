-- How much model work each user has set off in the last hour (handlers/llm.within_user_limit).
-- A run is admitted under a per-user advisory lock, so runs that start together count one another,
-- and a retried run of the same event is never counted twice.

CREATE TABLE talvix.user_model_runs (
    event_id bigint PRIMARY KEY,
    user_id  uuid NOT NULL,
    agent    text NOT NULL,
    at       timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX user_model_runs_user_idx ON talvix.user_model_runs (user_id, at);
REVOKE ALL ON talvix.user_model_runs FROM PUBLIC, anon, authenticated;
GRANT ALL ON talvix.user_model_runs TO service_role;

-- True when the run may go on (and it is counted), false when the user's hour is full.
CREATE FUNCTION talvix.admit_user_model_run(p_user uuid, p_agent text, p_event bigint, per_hour integer)
RETURNS boolean
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix AS $$
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('talvix.model-runs:' || p_user::text, 0));
    IF EXISTS (SELECT 1 FROM talvix.user_model_runs WHERE event_id = p_event) THEN
        RETURN true;  -- a retry of a run already admitted
    END IF;
    DELETE FROM talvix.user_model_runs WHERE user_id = p_user AND at < now() - interval '1 hour';
    IF (SELECT count(*) FROM talvix.user_model_runs WHERE user_id = p_user) >= per_hour THEN
        RETURN false;
    END IF;
    INSERT INTO talvix.user_model_runs (event_id, user_id, agent) VALUES (p_event, p_user, p_agent);
    RETURN true;
END;
$$;
REVOKE ALL ON FUNCTION talvix.admit_user_model_run(uuid, text, bigint, integer) FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.admit_user_model_run(uuid, text, bigint, integer) TO service_role;
