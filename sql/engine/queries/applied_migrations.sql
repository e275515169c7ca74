-- Every recorded migration and the checksum of the file that was applied.
SELECT version, checksum FROM talvix.schema_migrations
