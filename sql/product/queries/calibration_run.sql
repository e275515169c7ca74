-- One calibration run by type and UTC date (what a run that found its date taken reports).
-- $1 run type, $2 run date
SELECT id, status, top_finding FROM public.calibration_runs WHERE run_type = $1 AND run_date = $2
