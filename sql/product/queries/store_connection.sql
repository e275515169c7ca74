-- Store (or replace) a user's sealed session for a platform; the gateway's only write.
-- $1 user id, $2 platform, $3 ciphertext, $4 iv, $5 key version, $6 user agent, $7 viewport, $8 expires at
SELECT * FROM talvix.store_connection($1, $2, $3, $4, $5::smallint, $6, $7, $8)
