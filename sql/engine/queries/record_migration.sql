-- Record one applied migration. $1 version, $2 name, $3 checksum of its file
INSERT INTO talvix.schema_migrations (version, name, checksum) VALUES ($1, $2, $3)
