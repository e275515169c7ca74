-- The worker just stored a WhatsApp message's wamid: the statuses Meta sent before that are applied now
-- (migration 033). $1 wamid. Returns how many were recorded.
SELECT talvix.apply_early_whatsapp_statuses($1)
