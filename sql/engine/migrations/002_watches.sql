-- The database admin's API: attach an agent to a table (talvix.watch), detach it (talvix.unwatch),
-- list what is attached (the talvix.watches table).
--
--   SELECT talvix.watch('public.job_applications', 'auto_apply', '{INSERT,UPDATE}',
--                       condition => $$NEW.auto_status = 'queued'$$);
--   SELECT talvix.unwatch('public.job_applications', 'auto_apply');
--   SELECT * FROM talvix.watches;
--
-- A matching row becomes one talvix.events row whose payload names the table, the operation and a
-- few columns of the row (by default its primary key and user_id), never the whole row: rows can
-- hold secrets and handlers read the current state themselves.

CREATE TABLE talvix.watches (
    relation      regclass NOT NULL,
    agent         text NOT NULL CHECK (agent ~ '^[a-z][a-z0-9_]{0,62}$'),
    operation     text NOT NULL CHECK (operation IN ('INSERT', 'UPDATE', 'DELETE')),
    condition     text,
    delay         interval NOT NULL DEFAULT '0 seconds' CHECK (delay >= '0 seconds'),
    columns       text[] NOT NULL,
    dedup         boolean NOT NULL DEFAULT false,
    trigger_name  text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (relation, agent, operation)
);

-- The row trigger behind every watch. SECURITY DEFINER so that an application role which may insert
-- a job application (and so trigger work) still cannot touch talvix.events directly.
CREATE FUNCTION talvix.capture_event() RETURNS trigger
LANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, talvix AS $$
DECLARE
    agent_name text := TG_ARGV[0];
    delay      interval := TG_ARGV[1]::interval;
    cols       text[] := TG_ARGV[2]::text[];
    dedup      boolean := TG_ARGV[3]::boolean;
    source_row jsonb;
    picked     jsonb;
    uid_text   text;
BEGIN
    IF TG_OP = 'DELETE' THEN
        source_row := to_jsonb(OLD);
    ELSE
        source_row := to_jsonb(NEW);
    END IF;
    SELECT coalesce(jsonb_object_agg(c, source_row -> c), '{}'::jsonb) INTO picked
      FROM unnest(cols) AS c;
    uid_text := source_row ->> 'user_id';
    INSERT INTO talvix.events (agent, payload, user_id, dedup_key, source, run_after)
    VALUES (
        agent_name,
        jsonb_build_object('table', TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME, 'op', TG_OP, 'row', picked),
        CASE WHEN uid_text ~* '^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$'
             THEN uid_text::uuid END,
        CASE WHEN dedup THEN TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME || ':' || picked::text END,
        TG_TABLE_SCHEMA || '.' || TG_TABLE_NAME || ' ' || TG_OP,
        now() + delay)
    ON CONFLICT (agent, dedup_key) WHERE dedup_key IS NOT NULL AND status IN ('pending', 'running')
    DO NOTHING;
    RETURN NULL;
END;
$$;
REVOKE ALL ON FUNCTION talvix.capture_event() FROM PUBLIC;

-- Attach `agent` to `relation` for each operation. Idempotent: calling it again replaces the watch.
-- Runs with the caller's rights (SECURITY INVOKER): only someone who may create triggers on the table
-- can attach an agent to it.
CREATE FUNCTION talvix.watch(
    relation   regclass,
    agent      text,
    operations text[] DEFAULT '{INSERT}',
    condition  text DEFAULT NULL,
    delay      interval DEFAULT '0 seconds',
    columns    text[] DEFAULT NULL,
    dedup      boolean DEFAULT false
) RETURNS SETOF talvix.watches
LANGUAGE plpgsql SET search_path = pg_catalog, talvix AS $$
DECLARE
    op          text;
    cols        text[];
    missing     text;
    trg         text;
    probe       text;
BEGIN
    IF agent IS NULL OR agent !~ '^[a-z][a-z0-9_]{0,62}$' THEN
        RAISE EXCEPTION 'talvix.watch: invalid agent name %: use lower-case letters, digits and _ (start with a letter, at most 63 characters)', quote_nullable(agent)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF operations IS NULL OR cardinality(operations) = 0 THEN
        RAISE EXCEPTION 'talvix.watch: operations must list at least one of INSERT, UPDATE, DELETE'
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    SELECT string_agg(quote_literal(o), ', ') INTO missing
      FROM unnest(operations) AS o WHERE o IS NULL OR upper(o) NOT IN ('INSERT', 'UPDATE', 'DELETE');
    IF missing IS NOT NULL THEN
        RAISE EXCEPTION 'talvix.watch: unknown operation(s) %: use INSERT, UPDATE or DELETE', missing
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF delay IS NULL OR delay < '0 seconds' THEN
        RAISE EXCEPTION 'talvix.watch: delay must be zero or positive, got %', delay
            USING ERRCODE = 'invalid_parameter_value';
    END IF;
    IF (SELECT relkind FROM pg_class WHERE oid = relation) NOT IN ('r', 'p') THEN
        RAISE EXCEPTION 'talvix.watch: % is not a table', relation
            USING ERRCODE = 'wrong_object_type';
    END IF;

    -- A condition is a boolean SQL expression over NEW/OLD, pasted into CREATE TRIGGER … WHEN (…).
    -- Refuse anything that could end the expression early; Postgres itself then checks that it is a
    -- single boolean expression with no sub-queries and only the columns the operation has.
    IF condition IS NOT NULL AND (condition ~ ';' OR condition ~ '--' OR condition ~ '/\*' OR btrim(condition) = '') THEN
        RAISE EXCEPTION 'talvix.watch: condition must be one SQL boolean expression over NEW/OLD, without ";" or comments; got %', quote_literal(condition)
            USING ERRCODE = 'invalid_parameter_value';
    END IF;

    -- Columns copied into the payload: the given ones, else the primary key plus user_id.
    IF columns IS NULL THEN
        SELECT array_agg(a.attname ORDER BY a.attnum) INTO cols
          FROM pg_attribute a
         WHERE a.attrelid = relation AND a.attnum > 0 AND NOT a.attisdropped
           AND (a.attname = 'user_id' OR a.attnum = ANY (
                    SELECT unnest(i.indkey) FROM pg_index i WHERE i.indrelid = relation AND i.indisprimary));
        cols := coalesce(cols, '{}');
    ELSE
        SELECT string_agg(quote_ident(c), ', ') INTO missing
          FROM unnest(columns) AS c
         WHERE NOT EXISTS (SELECT 1 FROM pg_attribute a
                            WHERE a.attrelid = relation AND a.attname = c AND a.attnum > 0 AND NOT a.attisdropped);
        IF missing IS NOT NULL THEN
            RAISE EXCEPTION 'talvix.watch: table % has no column(s) %', relation, missing
                USING ERRCODE = 'undefined_column';
        END IF;
        cols := columns;
    END IF;

    FOREACH op IN ARRAY (SELECT array_agg(DISTINCT upper(o)) FROM unnest(operations) AS o) LOOP
        IF condition IS NOT NULL THEN
            -- Compile the expression once against the table's row type, so a typo is reported as a
            -- plain SQL error before any trigger exists.
            probe := format('SELECT FROM %s AS new, %s AS old WHERE ((%s)) LIMIT 0', relation, relation, condition);
            IF op = 'INSERT' THEN
                probe := format('SELECT FROM %s AS new WHERE ((%s)) LIMIT 0', relation, condition);
            ELSIF op = 'DELETE' THEN
                probe := format('SELECT FROM %s AS old WHERE ((%s)) LIMIT 0', relation, condition);
            END IF;
            BEGIN
                EXECUTE probe;
            EXCEPTION WHEN OTHERS THEN
                RAISE EXCEPTION 'talvix.watch: invalid condition for %: %', op, SQLERRM
                    USING ERRCODE = 'invalid_parameter_value',
                          HINT = CASE op WHEN 'INSERT' THEN 'INSERT conditions may use NEW only'
                                         WHEN 'DELETE' THEN 'DELETE conditions may use OLD only'
                                         ELSE 'UPDATE conditions may use NEW and OLD' END;
            END;
        END IF;

        trg := format('talvix_%s_%s', agent, lower(op));
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', trg, relation);
        BEGIN
            EXECUTE format('CREATE TRIGGER %I AFTER %s ON %s FOR EACH ROW %s EXECUTE FUNCTION talvix.capture_event(%L, %L, %L, %L)',
                           trg, op, relation,
                           CASE WHEN condition IS NULL THEN '' ELSE format('WHEN ((%s))', condition) END,
                           agent, delay::text, cols::text, dedup::text);
        EXCEPTION WHEN syntax_error OR feature_not_supported OR datatype_mismatch OR undefined_column OR undefined_table THEN
            RAISE EXCEPTION 'talvix.watch: invalid condition for %: %', op, SQLERRM
                USING ERRCODE = 'invalid_parameter_value';
        END;

        INSERT INTO talvix.watches AS w (relation, agent, operation, condition, delay, columns, dedup, trigger_name)
        VALUES (relation, agent, op, condition, delay, cols, dedup, trg)
        ON CONFLICT ON CONSTRAINT watches_pkey DO UPDATE
           SET condition = EXCLUDED.condition, delay = EXCLUDED.delay, columns = EXCLUDED.columns,
               dedup = EXCLUDED.dedup, trigger_name = EXCLUDED.trigger_name, created_at = now();
    END LOOP;

    RETURN QUERY SELECT * FROM talvix.watches w WHERE w.relation = watch.relation AND w.agent = watch.agent
                  ORDER BY w.operation;
END;
$$;

-- Detach `agent` from `relation` (all operations, or the listed ones). Returns how many were removed.
CREATE FUNCTION talvix.unwatch(relation regclass, agent text, operations text[] DEFAULT NULL)
RETURNS integer
LANGUAGE plpgsql SET search_path = pg_catalog, talvix AS $$
DECLARE
    w       talvix.watches;
    removed integer := 0;
BEGIN
    FOR w IN SELECT * FROM talvix.watches x
              WHERE x.relation = unwatch.relation AND x.agent = unwatch.agent
                AND (operations IS NULL OR x.operation = ANY (SELECT upper(o) FROM unnest(operations) o))
    LOOP
        EXECUTE format('DROP TRIGGER IF EXISTS %I ON %s', w.trigger_name, w.relation);
        DELETE FROM talvix.watches x
         WHERE x.relation = w.relation AND x.agent = w.agent AND x.operation = w.operation;
        removed := removed + 1;
    END LOOP;
    RETURN removed;
END;
$$;

-- A table dropped with its triggers leaves no stale watch behind.
CREATE FUNCTION talvix.forget_dropped_watches() RETURNS event_trigger
LANGUAGE plpgsql SET search_path = pg_catalog, talvix AS $$
BEGIN
    DELETE FROM talvix.watches w
     WHERE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = w.relation::oid);
END;
$$;

DO $$
BEGIN
    -- Event triggers need superuser; on a managed database without it, stale rows are harmless and
    -- talvix.unwatch still works.
    CREATE EVENT TRIGGER talvix_forget_dropped_watches ON sql_drop
        EXECUTE FUNCTION talvix.forget_dropped_watches();
EXCEPTION WHEN insufficient_privilege THEN
    RAISE NOTICE 'talvix: no superuser, event trigger for dropped tables not installed';
END;
$$;
