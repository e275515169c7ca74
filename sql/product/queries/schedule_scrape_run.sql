-- The nightly schedule asks for a run, as anyone may: by inserting its row. Returns the run id.
INSERT INTO public.scrape_runs (requested_by) VALUES ('schedule') RETURNING id
