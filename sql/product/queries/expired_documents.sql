-- Applications whose tailored documents have been kept long enough, locked until the caller has
-- deleted the files and forgotten the paths (forget_documents.sql, same transaction): a sent one
-- (submitted, needs_check) $1 days after its last change, one that ended unsent $2 days after.
-- Applications still in the pipeline keep theirs. $3 at most this many.
SELECT a.id, a.tailored_resume_path, a.cover_letter_path, a.document_files
  FROM public.job_applications a
 WHERE (a.tailored_resume_path IS NOT NULL OR a.cover_letter_path IS NOT NULL OR a.document_files <> '{}')
   AND ((a.auto_status IN ('submitted', 'needs_check') AND a.updated_at < now() - make_interval(days => $1))
     OR (a.auto_status IN ('failed_captcha', 'failed_session', 'failed_not_found', 'failed_closed', 'failed_error',
                           'already_applied', 'skipped') AND a.updated_at < now() - make_interval(days => $2)))
 ORDER BY a.updated_at
 LIMIT $3
   FOR UPDATE SKIP LOCKED
