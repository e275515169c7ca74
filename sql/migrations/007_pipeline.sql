-- The Talvix pipeline's triggers, attached with the admins' own API (talvix.watch), so they show in
-- talvix.watches and can be changed or detached the same way.
SELECT talvix.watch('public.resumes', 'resume_intelligence', '{INSERT}');
