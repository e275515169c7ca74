-- The Talvix pipeline's triggers, attached with the admins' own API (talvix.watch), so they show in
-- talvix.watches and can be changed or detached the same way.
--
--   resumes INSERT ──► resume_intelligence ──► resumes.parse_status = 'parsed'
--   resumes parsed, users auto-apply switched on ──► fit_scorer (that user, full rescan, Think)
--   jobs INSERT (a whole bulk insert = one event) ──► fit_scorer (new jobs, every user, No-Think)
--   fit_scorer ──► job_applications INSERT (auto_status 'queued') ──► document_tailor
--   document_tailor ──► documents written, auto_status 'ready' (the apply step is attached to 'ready')
SELECT talvix.watch('public.resumes', 'resume_intelligence', '{INSERT}');
SELECT talvix.watch('public.resumes', 'fit_scorer', '{UPDATE}',
                    condition => $$NEW.parse_status = 'parsed' AND OLD.parse_status IS DISTINCT FROM 'parsed'$$,
                    columns => '{user_id}', dedup => true);
SELECT talvix.watch('public.users', 'fit_scorer', '{UPDATE}',
                    condition => 'NEW.auto_apply_enabled AND NOT OLD.auto_apply_enabled', columns => '{id}', dedup => true);
-- columns => '{}' gives every inserted row the same dedup key: one event per batch of new jobs.
SELECT talvix.watch('public.jobs', 'fit_scorer', '{INSERT}', columns => '{}', dedup => true,
                    delay => interval '1 second');
SELECT talvix.watch('public.job_applications', 'document_tailor', '{INSERT}',
                    condition => $$NEW.auto_status = 'queued'$$, dedup => true);
SELECT talvix.watch('public.job_applications', 'document_tailor', '{UPDATE}',
                    condition => $$NEW.auto_status = 'queued' AND OLD.auto_status IS DISTINCT FROM 'queued'$$, dedup => true);
