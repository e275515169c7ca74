-- The parsed summary of a resume. $1 resume id, $2 summary (jsonb)
UPDATE public.resumes
   SET summary = $2, parse_status = 'parsed', parse_error = NULL, parsed_at = now()
 WHERE id = $1
