-- How many jobs per user reach the model: in a delta pass, and in a user's full rescan.
SELECT name, value FROM talvix.limits WHERE name IN ('fit_match_top_k', 'fit_rescan_top_k')
