-- These screenshots are deleted: the rows pointing at them forget the path (updated_at is left
-- alone, see migration 027). $1 paths relative to the storage root. Returns how many rows.
WITH forgotten AS (
    UPDATE public.job_applications SET screenshot_path = NULL, files_expired_at = now()
     WHERE screenshot_path = ANY ($1::text[])
    RETURNING 1
)
SELECT count(*) FROM forgotten
