-- A delta pass has ranked (and scored the best of) these jobs for every eligible user.
-- $1 job ids
UPDATE public.jobs SET matched_at = now() WHERE id = ANY($1::bigint[])
