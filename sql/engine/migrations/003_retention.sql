-- Expired agent_logs rows (and long-finished events) are removed by the project itself. Where the
-- pg_cron extension exists (Supabase), a nightly job does it at 21:30 UTC (03:00 India time);
-- elsewhere the worker's janitor loop runs talvix.delete_expired() and skips when this job exists.

CREATE FUNCTION talvix.delete_expired(batch integer DEFAULT 10000)
RETURNS TABLE (agent_logs_deleted bigint, events_deleted bigint)
LANGUAGE plpgsql SET search_path = pg_catalog, talvix, public AS $$
DECLARE
    n bigint;
BEGIN
    agent_logs_deleted := 0;
    events_deleted := 0;
    -- In batches, so a large backlog never holds one long transaction's locks.
    LOOP
        DELETE FROM public.agent_logs
         WHERE id IN (SELECT id FROM public.agent_logs WHERE expires_at < now() LIMIT batch);
        GET DIAGNOSTICS n = ROW_COUNT;
        agent_logs_deleted := agent_logs_deleted + n;
        EXIT WHEN n < batch;
    END LOOP;
    -- Finished events follow the same clock as their logs: 3 days after success, 30 after failure.
    LOOP
        DELETE FROM talvix.events
         WHERE id IN (SELECT id FROM talvix.events
                       WHERE finished_at IS NOT NULL
                         AND finished_at < now() - CASE WHEN status = 'failed' THEN interval '30 days'
                                                        ELSE interval '3 days' END
                       LIMIT batch);
        GET DIAGNOSTICS n = ROW_COUNT;
        events_deleted := events_deleted + n;
        EXIT WHEN n < batch;
    END LOOP;
    RETURN NEXT;
END;
$$;

DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_cron') THEN
        PERFORM cron.schedule('talvix-delete-expired', '30 21 * * *',
                              'SELECT talvix.delete_expired()');
    END IF;
END;
$$;
