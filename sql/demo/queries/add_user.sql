-- The demo's user.
INSERT INTO public.users (email, full_name, profile)
VALUES ('asha@example.com', 'Asha Rao', '{"years_experience": 6}')
RETURNING id
