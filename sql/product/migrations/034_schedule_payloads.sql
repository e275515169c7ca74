-- Several schedules of one agent, each with its payload, so that feedback_calibrator's two runs
-- (daily and weekly, one agent) are rows of talvix.schedules like every other periodic run, and
-- no agent computes its next run by hand any more.
--
-- A schedule is now keyed by its `name`; `agent` is the agent it queues and `payload` the event's
-- payload. The pending run of a schedule is the one event of its agent whose dedup key is the
-- schedule's name. An agent with one schedule keeps the agent's name as the schedule's (the
-- default on INSERT), so its dedup key stays what 027 and 031 queued under, and its pending run is
-- the same event, not a second one. An agent with several calls them `<agent>:<what>`:
--
--   feedback_calibrator:daily    {"run_type": "daily"}    daily 23:30 UTC
--   feedback_calibrator:weekly   {"run_type": "weekly"}   Saturday 18:45 UTC
--
-- Those are the dedup keys the calibrator queued its runs under since 029, so inserting the rows
-- moves the runs already pending (to the same times, unless an operator had changed the limits)
-- instead of queueing two more. The three calibration_* time limits become the rows' columns,
-- keeping an operator's values, and are deleted.
--
-- The functions keep their signatures, with the schedule's name where the agent's was:
-- talvix.next_schedule_run(name, after) and talvix.queue_schedule(name), which for every
-- single-schedule agent is the agent's name, as its callers pass it today.

-- The columns below change no time: the trigger that moves pending runs goes until they are in.
DROP TRIGGER schedules_queue ON talvix.schedules;

-- squawk-ignore adding-field-with-default
ALTER TABLE talvix.schedules
    ADD COLUMN name text,
    ADD COLUMN payload jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(payload) = 'object');
UPDATE talvix.schedules SET name = agent;

-- The key moves from agent to name (a dozen rows: the locks these take last no time). A name is the
-- agent's, or the agent's followed by ':' and a word, so every run's schedule is found from its
-- agent and what its payload says.
-- squawk-ignore adding-not-nullable-field
ALTER TABLE talvix.schedules ALTER COLUMN name SET NOT NULL;
-- squawk-ignore ban-drop-constraint
ALTER TABLE talvix.schedules DROP CONSTRAINT schedules_pkey;
-- squawk-ignore adding-serial-primary-key-field, constraint-missing-not-valid
ALTER TABLE talvix.schedules ADD CONSTRAINT schedules_pkey PRIMARY KEY (name);
-- squawk-ignore constraint-missing-not-valid
ALTER TABLE talvix.schedules ADD CONSTRAINT schedules_name_check
    CHECK (name = agent OR name ~ ('^' || agent || ':[a-z0-9_]+$'));

-- A new row's name is its agent's unless given (what every INSERT before this migration, and any
-- written as they were, expects). A row keeps its name and agent: its pending run is found by
-- them, and a renamed row would leave that run behind, to run once more under the old name.
CREATE FUNCTION talvix.schedule_named() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        NEW.name := coalesce(NEW.name, NEW.agent);
    ELSIF NEW.name IS DISTINCT FROM OLD.name OR NEW.agent IS DISTINCT FROM OLD.agent THEN
        RAISE EXCEPTION 'schedule % keeps its name and agent', OLD.name
              USING ERRCODE = 'check_violation',
                    HINT = 'Delete the row and insert the new one (then cancel the old pending run, if any).';
    END IF;
    RETURN NEW;
END;
$$;
CREATE TRIGGER schedules_named BEFORE INSERT OR UPDATE ON talvix.schedules
    FOR EACH ROW EXECUTE FUNCTION talvix.schedule_named();

-- The parameters are renamed (p_agent → p_name), which CREATE OR REPLACE refuses: dropped and
-- created again, with their grants. Callers pass them by position.
-- squawk-ignore ban-drop-function
DROP FUNCTION talvix.next_schedule_run(text, timestamptz);
-- squawk-ignore ban-drop-function
DROP FUNCTION talvix.queue_schedule(text);

-- When schedule `name` next runs strictly after `after`: the first day (of the next 32) that
-- matches its row, at its UTC minute. NULL when there is no such schedule.
CREATE FUNCTION talvix.next_schedule_run(p_name text, p_after timestamptz DEFAULT now())
RETURNS timestamptz
LANGUAGE sql STABLE SET search_path = pg_catalog, talvix AS $$
    SELECT min(t.at)
      FROM talvix.schedules s
     CROSS JOIN LATERAL generate_series(0, 31) AS n
     CROSS JOIN LATERAL (SELECT (p_after AT TIME ZONE 'UTC')::date + n AS day) d
     CROSS JOIN LATERAL (SELECT (d.day + make_interval(mins => s.utc_minute)) AT TIME ZONE 'UTC' AS at) t
     WHERE s.name = p_name
       AND (s.iso_weekday IS NULL OR extract(isodow FROM d.day) = s.iso_weekday)
       AND (s.month_day IS NULL OR extract(day FROM d.day) = s.month_day)
       AND t.at > p_after
$$;

-- Make schedule `name`'s next run pending at its next time, with its payload: the pending run (the
-- agent's event under the schedule's name as dedup key) moves there, or one is queued (nothing when
-- a run holds the key right now: that run queues the next itself). Returns the time, or NULL when
-- there is no such schedule.
CREATE FUNCTION talvix.queue_schedule(p_name text)
RETURNS timestamptz
LANGUAGE plpgsql SET search_path = pg_catalog, talvix AS $$
DECLARE
    schedule talvix.schedules%ROWTYPE;
    due timestamptz;
BEGIN
    SELECT * INTO schedule FROM talvix.schedules WHERE name = p_name;
    IF NOT FOUND THEN
        RETURN NULL;
    END IF;
    due := talvix.next_schedule_run(p_name);
    UPDATE talvix.events SET run_after = due, payload = schedule.payload, updated_at = now()
     WHERE agent = schedule.agent AND dedup_key = schedule.name AND status = 'pending';
    IF FOUND THEN
        PERFORM pg_notify('talvix_events', schedule.agent);  -- a worker waiting for the old time learns the new one
    ELSE
        INSERT INTO talvix.events (agent, payload, dedup_key, source, run_after)
        VALUES (schedule.agent, schedule.payload, schedule.name, 'talvix.schedules', due)
        ON CONFLICT (agent, dedup_key) WHERE dedup_key IS NOT NULL AND status IN ('pending', 'running') DO NOTHING;
    END IF;
    RETURN due;
END;
$$;

CREATE OR REPLACE FUNCTION talvix.schedule_changed() RETURNS trigger
LANGUAGE plpgsql SET search_path = pg_catalog, talvix AS $$
BEGIN
    PERFORM talvix.queue_schedule(NEW.name);
    RETURN NULL;
END;
$$;
CREATE TRIGGER schedules_queue AFTER INSERT OR UPDATE ON talvix.schedules
    FOR EACH ROW EXECUTE FUNCTION talvix.schedule_changed();

REVOKE ALL ON FUNCTION talvix.next_schedule_run(text, timestamptz), talvix.queue_schedule(text),
    talvix.schedule_named() FROM PUBLIC, anon, authenticated;
GRANT EXECUTE ON FUNCTION talvix.next_schedule_run(text, timestamptz), talvix.queue_schedule(text) TO service_role;

-- The calibrator's two runs, at the times talvix.limits held (an operator's changed values kept;
-- 029's defaults where a row is missing). The insert trigger moves the pending run of each, which
-- 029 and the calibrator queued under these names as dedup keys, or queues one if there is none.
INSERT INTO talvix.schedules (name, agent, payload, utc_minute, iso_weekday, note) VALUES
    ('feedback_calibrator:daily', 'feedback_calibrator', '{"run_type": "daily"}',
     coalesce((SELECT value FROM talvix.limits WHERE name = 'calibration_daily_utc_minute'), 1410), NULL,
     'daily: the last day''s learning signals move model_weights at most calibration_daily_max_change_pct'),
    ('feedback_calibrator:weekly', 'feedback_calibrator', '{"run_type": "weekly"}',
     coalesce((SELECT value FROM talvix.limits WHERE name = 'calibration_weekly_utc_minute'), 1125),
     coalesce((SELECT value FROM talvix.limits WHERE name = 'calibration_weekly_iso_weekday'), 6),
     'weekly: the last 7 days'' learning signals move model_weights at most calibration_weekly_max_change_pct');
DELETE FROM talvix.limits
 WHERE name IN ('calibration_daily_utc_minute', 'calibration_weekly_utc_minute', 'calibration_weekly_iso_weekday');
