-- Every model weight, locked for the rest of the calibration's transaction so an operator's UPDATE
-- in between cannot be overwritten with a value computed from the old one.
SELECT weight_name, weight_value, min_value, max_value FROM public.model_weights ORDER BY weight_name FOR UPDATE
