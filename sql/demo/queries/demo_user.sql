-- The demo's candidate (add_user.sql).
SELECT id FROM public.users WHERE email = 'asha@example.com'
