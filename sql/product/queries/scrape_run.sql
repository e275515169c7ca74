-- One discovery run's row. $1 run id
SELECT * FROM public.scrape_runs WHERE id = $1
