-- The documents of these applications are deleted: their paths go, and files_expired_at says when
-- (which leaves updated_at alone, see migration 027). $1 application ids
UPDATE public.job_applications
   SET tailored_resume_path = NULL, cover_letter_path = NULL, document_files = '{}', files_expired_at = now()
 WHERE id = ANY ($1::uuid[])
