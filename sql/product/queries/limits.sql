-- Every limit the guard and the apply window read (talvix.limits: rows are data, not code).
SELECT name, value FROM talvix.limits
