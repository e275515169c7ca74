-- Whether a table exists (tables another migration may add later). $1 its qualified name
SELECT to_regclass($1) IS NOT NULL
