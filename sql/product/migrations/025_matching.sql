-- The fit scorer's candidate search (handlers/skills/matcher.py): which jobs are worth a model call
-- for which user. Full-text search ranks them everywhere; where pgvector is installed and an
-- embeddings endpoint is configured, cosine similarity ranks them too, and the two rankings are
-- fused by reciprocal rank (k = 60). Only the best `fit_match_top_k` per user reach the model.
--
--   jobs INSERT ──► jd_cleaner ──► (no uncleaned jobs left) ──► fit_scorer {"mode": "delta"}
--   fit_scorer delta: every job not matched yet × every eligible user, in one pass; then matched_at

-- Title first, then the cleaner's summary, then the description's opening (where the role is
-- described; the rest is mostly benefits and boilerplate). Stored, so ranking reads it instead of
-- parsing every description again for every user. jobs holds at most 30 days of postings, so the
-- rewrite inside this migration's transaction is short.
ALTER TABLE public.jobs
    -- squawk-ignore adding-field-with-default
    ADD COLUMN search tsvector GENERATED ALWAYS AS (
        setweight(to_tsvector('english', title), 'A')
        || setweight(to_tsvector('english', coalesce(jd_summary, '')), 'B')
        || setweight(to_tsvector('english', left(description, 4000)), 'C')) STORED,
    ADD COLUMN matched_at timestamptz;  -- NULL: not yet in any delta pass

-- squawk-ignore require-concurrent-index-creation
CREATE INDEX jobs_search_idx ON public.jobs USING gin (search);
-- The delta pass reads the jobs not matched yet; after it, almost none are.
-- squawk-ignore require-concurrent-index-creation
CREATE INDEX jobs_unmatched_idx ON public.jobs (id) WHERE matched_at IS NULL;
-- Jobs there before matching existed were scored the old way: not new to any delta pass.
UPDATE public.jobs SET matched_at = now();

-- Embeddings, as plain arrays so the schema is the same with or without pgvector; the similarity
-- query casts them to extensions.vector. `model` names the model and its dimensions
-- ("text-embedding-3-small@1536"): vectors of different models are never compared.
CREATE TABLE public.job_embeddings (
    job_id      bigint PRIMARY KEY REFERENCES public.jobs (id) ON DELETE CASCADE,
    model       text NOT NULL CHECK (char_length(model) BETWEEN 1 AND 200),
    source_hash text NOT NULL,        -- of the text embedded: a changed job is embedded again
    embedding   real[] NOT NULL CHECK (cardinality(embedding) BETWEEN 1 AND 16000),
    embedded_at timestamptz NOT NULL DEFAULT now()
);
CREATE TABLE public.user_embeddings (
    user_id     uuid PRIMARY KEY REFERENCES public.users (id) ON DELETE CASCADE,
    model       text NOT NULL CHECK (char_length(model) BETWEEN 1 AND 200),
    source_hash text NOT NULL,        -- of target roles + resume summary: a change re-embeds
    embedding   real[] NOT NULL CHECK (cardinality(embedding) BETWEEN 1 AND 16000),
    embedded_at timestamptz NOT NULL DEFAULT now()
);
-- Worker-only: a user's embedding is derived from their resume.
ALTER TABLE public.job_embeddings ENABLE ROW LEVEL SECURITY;
ALTER TABLE public.user_embeddings ENABLE ROW LEVEL SECURITY;
REVOKE ALL ON public.job_embeddings, public.user_embeddings FROM PUBLIC, anon, authenticated;
GRANT ALL ON public.job_embeddings, public.user_embeddings TO service_role;

-- pgvector where the server has it (Supabase does, in schema extensions); without it the matcher
-- ranks by full text alone and says so once in the log.
DO $$
BEGIN
    IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'vector') THEN
        CREATE SCHEMA IF NOT EXISTS extensions;
        CREATE EXTENSION IF NOT EXISTS vector WITH SCHEMA extensions;
    END IF;
END
$$;

INSERT INTO talvix.limits (name, value, note) VALUES
    ('fit_match_top_k', 40, 'jobs per user a delta pass sends to the model (the best by fused rank)'),
    ('fit_rescan_top_k', 100, 'jobs a user''s full rescan sends to the model'),
    ('fit_match_uncleaned_after_minutes', 60,
     'a job jd_cleaner has not read after this long is matched anyway, on its title and description');

-- The cleaner now wakes the scorer when it has read every new job, so scoring sees the skills and
-- summary; the scorer no longer wakes on the insert itself.
SELECT talvix.unwatch('public.jobs', 'fit_scorer', '{INSERT}');
