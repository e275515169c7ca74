-- The user turns auto-apply on, as the app would. $1 user id
UPDATE public.users SET auto_apply_enabled = true WHERE id = $1
