-- Expired learning signals, through the hook migration 029 fills (NULL until then).
SELECT talvix.delete_expired_learning_signals()
