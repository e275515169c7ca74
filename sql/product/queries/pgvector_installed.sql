-- Whether pgvector's type is where vector_ranks.sql looks for it.
SELECT to_regtype('extensions.vector') IS NOT NULL AS installed
