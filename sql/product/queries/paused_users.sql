-- Users whose auto-apply is paused (by the guard, the session validator or the sweep), newest first.
SELECT id, email, auto_apply_paused_reason, updated_at
  FROM public.users
 WHERE auto_apply_paused
 ORDER BY updated_at DESC
 LIMIT 50
