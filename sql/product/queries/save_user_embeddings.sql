-- Store users' embeddings. $1 [{id, source_hash, embedding}] as jsonb, $2 model
INSERT INTO public.user_embeddings AS e (user_id, model, source_hash, embedding)
SELECT x.id, $2, x.source_hash, ARRAY(SELECT jsonb_array_elements_text(x.embedding)::real)
  FROM jsonb_to_recordset($1::jsonb) AS x (id uuid, source_hash text, embedding jsonb)
  JOIN public.users u ON u.id = x.id
ON CONFLICT (user_id) DO UPDATE
   SET model = EXCLUDED.model, source_hash = EXCLUDED.source_hash, embedding = EXCLUDED.embedding, embedded_at = now()
