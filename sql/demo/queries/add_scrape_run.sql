-- A discovery run, asked for as an operator would: one row.
INSERT INTO public.scrape_runs (requested_by) VALUES ('demo') RETURNING id
