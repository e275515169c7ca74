-- Close a calibration run with what it found and changed.
-- $1 run id, $2 status, $3 signal count, $4 weights changed {name: {before, after}}, $5 findings,
-- $6 top finding, $7 duration in ms
UPDATE public.calibration_runs
   SET status = $2, signal_count = $3, weights_changed = $4, findings = $5, top_finding = left($6, 500), duration_ms = $7
 WHERE id = $1
