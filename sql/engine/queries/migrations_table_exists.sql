-- Whether this database has recorded any migration yet.
SELECT to_regclass('talvix.schema_migrations') IS NOT NULL
