-- Store jobs' embeddings. $1 [{id, source_hash, embedding}] as jsonb, $2 model
INSERT INTO public.job_embeddings AS e (job_id, model, source_hash, embedding)
SELECT x.id, $2, x.source_hash, ARRAY(SELECT jsonb_array_elements_text(x.embedding)::real)
  FROM jsonb_to_recordset($1::jsonb) AS x (id bigint, source_hash text, embedding jsonb)
  JOIN public.jobs j ON j.id = x.id   -- a job deleted meanwhile is skipped
ON CONFLICT (job_id) DO UPDATE
   SET model = EXCLUDED.model, source_hash = EXCLUDED.source_hash, embedding = EXCLUDED.embedding, embedded_at = now()
