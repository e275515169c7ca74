-- One uploaded resume. $1 resume id
SELECT * FROM public.resumes WHERE id = $1
