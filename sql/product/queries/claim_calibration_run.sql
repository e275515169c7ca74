-- Take one calibration (type and UTC date), inside the run's transaction. A second run of the same
-- date waits here on the first's row until that commits, then finds it and gets nothing back: the
-- weights move at most once per type and date. Only a failed run's row may be taken over.
-- Returns the run id, or nothing when the date's run already happened.
-- $1 run type, $2 run date, $3 window start, $4 window end
INSERT INTO public.calibration_runs AS r (run_type, run_date, status, window_start, window_end)
VALUES ($1, $2, 'running', $3, $4)
ON CONFLICT (run_type, run_date) DO UPDATE
   SET status = 'running', window_start = EXCLUDED.window_start, window_end = EXCLUDED.window_end,
       signal_count = 0, weights_changed = '{}', findings = '{}', top_finding = NULL, error_message = NULL,
       duration_ms = NULL, created_at = now()
 WHERE r.status = 'failed'
RETURNING r.id
