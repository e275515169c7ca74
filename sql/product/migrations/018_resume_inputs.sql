-- What a user may hand the resume parser (issue: a signed-in user could name another user's file,
-- and one huge resume could stall a worker).
--
-- * storage_path names one of the user's own uploads: resumes/<their user id>/<file name>, a plain
--   file name (no sub-folder, not starting with a dot). Another user's file, a path that climbs out,
--   or one outside resumes/ is refused at insert, whoever inserts, so the parser never opens it
--   and no error ever says whether such a file exists.
-- * raw_text is at most 100,000 characters (about 40 pages); the parser reads 40,000 of them.

ALTER TABLE public.resumes
    ADD CONSTRAINT resumes_storage_path_own_upload CHECK (
        storage_path IS NULL OR storage_path ~ ('^resumes/' || user_id::text || '/[^/.][^/]*$')),
    ADD CONSTRAINT resumes_raw_text_size CHECK (raw_text IS NULL OR char_length(raw_text) <= 100000);
