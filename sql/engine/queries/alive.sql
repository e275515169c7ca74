-- The cheapest round trip: is the database answering?
SELECT 1
