-- Record the outcome of many runs in one round trip: each event moves to its final status (or back
-- to pending for a retry) and its run's agent_logs row is closed, or written whole if its opening
-- never reached the database. An event whose lease this worker lost (the reaper already moved it
-- on) is left alone: the attempt number fences stale writers.
-- $1 event ids, $2 attempts, $3 event statuses, $4 retry delays (s), $5 errors, $6 agents,
-- $7 log statuses, $8 durations (ms), $9 records processed, $10 metadata, $11 refund the attempt
-- (the run was cut short by shutdown), $12 worker id
WITH outcome AS (
    SELECT * FROM unnest($1::bigint[], $2::int[], $3::text[], $4::float8[], $5::text[], $6::text[],
                         $7::text[], $8::int[], $9::int[], $10::jsonb[], $11::bool[])
        AS o (event_id, attempt, event_status, retry_in, error, agent, log_status, duration_ms,
              records, metadata, refund)
), moved AS (
    UPDATE talvix.events e
       SET status = o.event_status,
           attempts = e.attempts - o.refund::int,
           run_after = CASE WHEN o.event_status = 'pending'
                            THEN now() + make_interval(secs => o.retry_in) ELSE e.run_after END,
           last_error = o.error,
           worker_id = NULL, lease_until = NULL, updated_at = now(),
           finished_at = CASE WHEN o.event_status = 'pending' THEN NULL ELSE now() END
      FROM outcome o
     WHERE e.id = ANY ($1::bigint[]) AND e.id = o.event_id AND e.attempts = o.attempt AND e.status = 'running' AND e.worker_id = $12
    RETURNING e.id, e.user_id
), closed AS (
    UPDATE public.agent_logs l
       SET status = o.log_status, duration_ms = o.duration_ms, records_processed = o.records,
           error_message = left(o.error, 500), metadata = l.metadata || o.metadata,
           finished_at = now(),
           expires_at = now() + CASE WHEN o.log_status = 'failed' THEN interval '30 days'
                                     ELSE interval '3 days' END
      FROM outcome o
     WHERE l.event_id = ANY ($1::bigint[]) AND l.event_id = o.event_id AND l.status = 'started'
       AND (l.metadata ->> 'attempt')::int = o.attempt
    RETURNING l.event_id
), written_whole AS (
    INSERT INTO public.agent_logs (agent_name, user_id, status, event_id, duration_ms, records_processed,
                                   error_message, metadata, finished_at, expires_at)
    SELECT o.agent, m.user_id, o.log_status, o.event_id, o.duration_ms, o.records, left(o.error, 500),
           jsonb_build_object('event_id', o.event_id, 'attempt', o.attempt, 'worker', $12::text) || o.metadata,
           now(), now() + CASE WHEN o.log_status = 'failed' THEN interval '30 days' ELSE interval '3 days' END
      FROM outcome o JOIN moved m ON m.id = o.event_id
     WHERE o.event_id NOT IN (SELECT event_id FROM closed)
    RETURNING id
)
SELECT (SELECT count(*) FROM moved) AS events_moved, (SELECT count(*) FROM closed) AS logs_closed,
       (SELECT count(*) FROM written_whole) AS logs_written_whole
