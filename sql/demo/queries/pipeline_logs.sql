-- The pipeline agents' runs.
SELECT agent_name, status, duration_ms, records_processed, metadata ->> 'model' AS model, error_message
  FROM public.agent_logs
 WHERE agent_name IN ('resume_intelligence', 'jd_cleaner', 'fit_scorer', 'document_tailor')
 ORDER BY created_at
