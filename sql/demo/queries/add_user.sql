-- The demo's user, on a paid plan (the free plan has no auto-apply).
INSERT INTO public.users (email, full_name, profile, tier)
VALUES ('asha@example.com', 'Asha Rao', '{"years_experience": 6}', 'professional')
RETURNING id
