-- Stop auto-apply for a user until they act; the reason is shown to them. $1 user id, $2 reason
UPDATE public.users SET auto_apply_paused = true, auto_apply_paused_reason = $2 WHERE id = $1
