-- One status update of WhatsApp's webhook on the notification it names; the gateway's only call besides
-- store_connection. Returns 'delivered' | 'read' | 'failed' | 'unchanged' | 'unknown' (migration 033).
-- $1 wamid, $2 status, $3 when WhatsApp says it happened, $4 the error code of a failure, $5 the reason to store
SELECT talvix.record_whatsapp_status($1, $2, $3, $4, $5)
