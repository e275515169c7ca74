-- Which of these job fingerprints still have a job. $1 fingerprints
SELECT fingerprint FROM public.jobs WHERE fingerprint = ANY ($1::text[])
