-- The baseline targets this run searched. $1 role names
UPDATE public.baseline_scrape_targets SET last_scraped_at = now() WHERE is_active AND role_name = ANY ($1)
