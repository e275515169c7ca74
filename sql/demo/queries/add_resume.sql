-- $1 user id, $2 the resume's text
INSERT INTO public.resumes (user_id, raw_text) VALUES ($1, $2)
