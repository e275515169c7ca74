-- How long retention_cleanup keeps files (talvix.limits).
SELECT name, value FROM talvix.limits
 WHERE name IN ('tailored_documents_sent_keep_days', 'tailored_documents_unsent_keep_days', 'screenshots_keep_days',
                'orphan_files_keep_hours')
