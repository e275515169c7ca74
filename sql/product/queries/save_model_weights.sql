-- The calibration's new weight values (the table's CHECK refuses any outside its bounds).
-- $1 [{name, value}] as JSON, $2 who changed them
UPDATE public.model_weights w
   SET weight_value = c.value, updated_by = $2, updated_at = now()
  FROM jsonb_to_recordset($1::jsonb) AS c (name text, value numeric)
 WHERE w.weight_name = c.name
