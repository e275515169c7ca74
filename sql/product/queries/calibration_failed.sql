-- Record a calibration whose transaction failed (and was rolled back, weights untouched), so the
-- run is visible; a retry of the same date takes the row over.
-- $1 run type, $2 run date, $3 window start, $4 window end, $5 error, $6 duration in ms
INSERT INTO public.calibration_runs AS r (run_type, run_date, status, window_start, window_end, error_message, duration_ms)
VALUES ($1, $2, 'failed', $3, $4, left($5, 500), $6)
ON CONFLICT (run_type, run_date) DO UPDATE
   SET error_message = EXCLUDED.error_message, duration_ms = EXCLUDED.duration_ms
 WHERE r.status = 'failed'
